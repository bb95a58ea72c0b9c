import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiVersions, DescribeLogDirs, ErrorCode } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

/** Promise.withResolvers is ES2024 (Node 22); @platformatic/kafka needs it on this Node 20 project. */
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
const platformatic = await import('@platformatic/kafka');

/** Bytes of a partition's `.log` files, read from the directory itself. */
function logFileBytes(dataDir: string, topic: string, partition: number): bigint {
  const dir = join(dataDir, `${topic}-${partition}`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + BigInt(statSync(join(dir, name)).size), 0n);
}

/** The volume's size in bytes as df(1) reports it. */
function dfSize(path: string): bigint {
  const lines = execFileSync('df', ['-B1', '--output=size', path], { encoding: 'utf8' }).trim().split('\n');
  return BigInt(lines.at(-1)!.trim());
}

describe('DescribeLogDirs', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-log-dirs-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
    const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'empty' }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: [
        { partition: 0, value: 'a'.repeat(1000) },
        { partition: 0, value: 'b'.repeat(10) },
        { partition: 2, value: 'c'.repeat(5000) },
      ],
    });
    await producer.disconnect();
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const sizes = (response: Awaited<ReturnType<typeof describeLogDirs>>) =>
    Object.fromEntries(
      response.results.flatMap((r) =>
        r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.partitionSize])),
      ),
    );
  const describeLogDirs = (version: number, topics: { topic: string; partitions: number[] }[] | null) =>
    client.request(DescribeLogDirs, version, { topics });

  it.each([0, 1, 2, 3, 4])(
    'v%i lists every partition of the data dir with the bytes of its .log files',
    async (version) => {
      const response = await describeLogDirs(version, null);
      expect(response.results).toHaveLength(1);
      const [result] = response.results;
      expect(result).toMatchObject({ errorCode: ErrorCode.NONE, logDir: resolve(dataDir) });
      expect(sizes(response)).toEqual({
        'orders-0': logFileBytes(dataDir, 'orders', 0),
        'orders-1': 0n,
        'orders-2': logFileBytes(dataDir, 'orders', 2),
        'empty-0': 0n,
      });
      expect(logFileBytes(dataDir, 'orders', 2)).toBeGreaterThan(5000n);
      for (const p of result!.topics.flatMap((t) => t.partitions)) {
        expect({ offsetLag: p.offsetLag, isFutureKey: p.isFutureKey }).toEqual({
          offsetLag: 0n,
          isFutureKey: false,
        });
      }
    },
  );

  it("v4 gives the volume's total bytes as df does and usable bytes within it; older versions -1", async () => {
    const [v4] = (await describeLogDirs(4, [])).results;
    expect(v4!.totalBytes).toBe(dfSize(dataDir));
    expect(v4!.usableBytes).toBeGreaterThan(0n);
    expect(v4!.usableBytes).toBeLessThanOrEqual(v4!.totalBytes);
    const [v3] = (await describeLogDirs(3, [])).results;
    expect([v3!.totalBytes, v3!.usableBytes]).toEqual([-1n, -1n]);
  });

  it('answers only the partitions asked for that exist, leaving out unknown topics and partitions', async () => {
    const response = await describeLogDirs(2, [
      { topic: 'orders', partitions: [2, 7] },
      { topic: 'missing', partitions: [0] },
    ]);
    expect(response.results[0]!.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          {
            partitionIndex: 2,
            partitionSize: logFileBytes(dataDir, 'orders', 2),
            offsetLag: 0n,
            isFutureKey: false,
          },
        ],
      },
    ]);
  });

  it("is advertised v0-4 in ApiVersions and answers @platformatic/kafka's describeLogDirs", async () => {
    const { apiKeys } = await client.request(ApiVersions, 3, {});
    expect(apiKeys).toContainEqual({ apiKey: DescribeLogDirs.apiKey, minVersion: 0, maxVersion: 4 });
    const admin = new platformatic.Admin({
      clientId: 'log-dirs',
      bootstrapBrokers: [broker.bootstrapServers],
    });
    try {
      const [answer] = await admin.describeLogDirs({ topics: [{ name: 'orders', partitions: [0, 1, 2] }] });
      expect(answer!.results[0]!.logDir).toBe(resolve(dataDir));
      expect(
        answer!.results[0]!.topics.flatMap((t) =>
          t.partitions.map((p) => [p.partitionIndex, p.partitionSize]),
        ),
      ).toEqual([
        [0, logFileBytes(dataDir, 'orders', 0)],
        [1, 0n],
        [2, logFileBytes(dataDir, 'orders', 2)],
      ]);
      expect(answer!.results[0]!.totalBytes).toBe(dfSize(dataDir));
    } finally {
      await admin.close();
    }
  });
});
