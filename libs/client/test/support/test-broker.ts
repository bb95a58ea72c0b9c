import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, type StartBrokerOptions, startBroker } from '@runnel/broker';

export interface TestBroker {
  readonly broker: RunningBroker;
  /** `host:port` for `new Runnel({ brokers: [bootstrap] })` or kafkajs's `brokers`. */
  readonly bootstrap: string;
  /** The broker's data directory (a fresh temp dir, removed by `close`). */
  readonly dataDir: string;
  /** Closes the broker and removes its data directory. */
  close(): Promise<void>;
}

/**
 * Starts the real embedded broker for a client spec: a fresh temp data dir, a free port
 * (`port: 0`), no HTTP listener, NestJS logs off, and the first rebalance of a group formed at
 * once (`groupInitialRebalanceDelayMs: 0`) so group specs do not wait 3 s. Any option can be
 * overridden. Call `close()` in afterAll.
 */
export async function startTestBroker(options: Partial<StartBrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'runnel-client-')));
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    logger: false,
    groupInitialRebalanceDelayMs: 0,
    ...options,
    dataDir,
  });
  return {
    broker,
    bootstrap: broker.bootstrapServers,
    dataDir,
    close: async () => {
      await broker.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `'host:port'` as a connection address. */
export function parseBootstrap(bootstrap: string): { host: string; port: number } {
  const colon = bootstrap.lastIndexOf(':');
  return { host: bootstrap.slice(0, colon), port: Number(bootstrap.slice(colon + 1)) };
}
