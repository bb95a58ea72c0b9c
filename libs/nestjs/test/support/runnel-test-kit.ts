import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { Runnel } from '@runnel/client';
import { type RunnelServerOptions, ServerRunnel } from '../../src/index.js';

/** The real embedded broker on a free port with a fresh temp data dir; `close()` removes both. */
export interface TestBroker {
  readonly broker: RunningBroker;
  readonly bootstrap: string;
  close(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runnel-nestjs-'));
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    dataDir,
    logger: false,
    groupInitialRebalanceDelayMs: 0,
  });
  return {
    broker,
    bootstrap: broker.bootstrapServers,
    close: async () => {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates topics (with `partitions` each) through our admin. */
export async function createTopics(
  bootstrap: string,
  topics: readonly string[],
  partitions = 1,
): Promise<void> {
  const admin = new Runnel({ clientId: 'test-admin', brokers: [bootstrap] }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** Consumer timings that keep group joins and fetch polls short in specs. */
export const FAST_CONSUMER = { maxWaitMs: 50, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 } as const;

/** A NestJS microservice of `controllers` on a ServerRunnel, listening; returns the app and its server. */
export async function startService(
  controllers: Type[],
  options: RunnelServerOptions,
  providers: Type[] = [],
): Promise<{ app: INestMicroservice; server: ServerRunnel }> {
  const moduleRef = await Test.createTestingModule({ controllers, providers }).compile();
  const server = new ServerRunnel(options);
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  await app.listen();
  return { app, server };
}

/**
 * Values a handler records, and a way to await the n-th: `await seen.count(10)` resolves once
 * ten have arrived (never by polling or sleeping).
 */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.n) return true;
      w.resolve();
      return false;
    });
  }

  count(n: number): Promise<T[]> {
    if (this.items.length >= n) return Promise.resolve(this.items);
    return new Promise((resolve) => this.waiters.push({ n, resolve: () => resolve(this.items) }));
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** A promise with its resolver outside, for a handler the test holds until it lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
