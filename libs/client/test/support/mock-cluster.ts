import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface MockCluster {
  /** `host:port,host:port,...` of its brokers. */
  readonly bootstrap: string;
  /** The same, one entry per broker, for `new Runnel({ brokers })`. */
  readonly brokers: string[];
  close(): Promise<void>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'mock-cluster.py');

/**
 * Starts librdkafka's mock cluster (a Kafka broker implementation nobody here wrote) with `brokers`
 * brokers, in a Debian python3-confluent-kafka process; specs using it are `*.compat.spec.ts`. The
 * mock serves Produce, Fetch, ListOffsets, Metadata v0-2, groups and offsets, InitProducerId; not
 * the admin APIs. Topics are auto-created with 4 partitions spread over the brokers.
 */
export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const child: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, String(brokers)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const line = await Promise.race([
    new Promise<string>((resolve) =>
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve),
    ),
    exited.then(([code]) => {
      throw new Error(`mock-cluster.py exited with ${code} before reporting its address`);
    }),
  ]);
  const { bootstrap } = JSON.parse(line) as { bootstrap: string };
  return {
    bootstrap,
    brokers: bootstrap.split(','),
    close: async () => {
      if (child.exitCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}
