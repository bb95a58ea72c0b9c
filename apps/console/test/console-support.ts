import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { type ConsoleApp, type ConsoleAppOptions, createConsoleApp } from '../src/create-console-app.js';

/** The embedded broker on a free port with a temp data directory, and the console on another free port. */
export interface ConsoleUnderTest {
  readonly broker: RunningBroker;
  /** The broker's data directory. */
  readonly dataDir: string;
  readonly console: ConsoleApp;
  /** JSON from the console: status and parsed body (null for 204). */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startConsole(options: ConsoleAppOptions = {}): Promise<ConsoleUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-'));
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    dataDir,
    logger: false,
    groupInitialRebalanceDelayMs: 0,
  });
  const app = await createConsoleApp({
    port: 0,
    bootstrapServers: [broker.bootstrapServers],
    logger: false,
    lagSampleMs: 200,
    ...options,
  });
  return {
    broker,
    dataDir,
    console: app,
    async call<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    async close() {
      await app.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `probe` until it returns without throwing; after `deadlineMs` rethrows the last failure.
 * For what the console reaches in its own time (a sample taken, a group's lag falling).
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  deadlineMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
