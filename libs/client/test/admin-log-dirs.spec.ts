import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from '../src/admin/admin.js';
import { RunnelError } from '../src/errors/runnel-error.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

/** Bytes of a partition's `.log` files, read from the broker's directory itself. */
function logFileBytes(dataDir: string, topic: string, partition: number): bigint {
  const dir = join(dataDir, `${topic}-${partition}`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + BigInt(statSync(join(dir, name)).size), 0n);
}

describe('Admin.describeLogDirs (DescribeLogDirs against the real broker)', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Runnel({ clientId: 'admin-log-dirs-spec', brokers: [broker.bootstrap] }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'sized', numPartitions: 2 }] });
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: 'sized', messages: [{ partition: 1, value: 'x'.repeat(2000) }] });
    await producer.disconnect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  it("gives each broker's data dir with every partition's size on disk and the volume's bytes", async () => {
    const { brokers } = await admin.describeLogDirs();
    expect(brokers.map((b) => b.nodeId)).toEqual([1]);
    const [dir] = brokers[0]!.logDirs;
    expect(dir).toMatchObject({ path: resolve(broker.dataDir), error: null });
    expect(dir!.topics.find((t) => t.topic === 'sized')).toEqual({
      topic: 'sized',
      partitions: [
        { partition: 0, size: 0n, offsetLag: 0n, isFuture: false },
        { partition: 1, size: logFileBytes(broker.dataDir, 'sized', 1), offsetLag: 0n, isFuture: false },
      ],
    });
    expect(logFileBytes(broker.dataDir, 'sized', 1)).toBeGreaterThan(2000n);
    const df = execFileSync('df', ['-B1', '--output=size', broker.dataDir], { encoding: 'utf8' });
    expect(dir!.totalBytes).toBe(BigInt(df.trim().split('\n').at(-1)!.trim()));
    expect(dir!.usableBytes).not.toBeNull();
    expect(dir!.usableBytes!).toBeLessThanOrEqual(dir!.totalBytes!);
  });

  it('refuses a broker id the cluster does not have, naming it and the ids there are', async () => {
    const error = await admin.describeLogDirs({ brokers: [7] }).catch((e) => e);
    expect(error).toBeInstanceOf(RunnelError);
    expect(error.message).toBe('describeLogDirs: brokers [7] must be node ids of the cluster (1)');
  });
});
