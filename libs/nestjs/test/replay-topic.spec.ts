import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { Runnel } from '@runnel/client';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { type ReplayedRecord, replayTopic } from '../src/index.js';

describe('replayTopic', () => {
  let broker: RunningBroker;
  let producer: Producer;
  let runnel: Runnel;

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir: mkdtempSync(join(tmpdir(), 'log-replay-')),
      logger: false,
    });
    const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ledger', numPartitions: 3 }] });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    runnel = new Runnel({ clientId: 'replay-spec', brokers: [broker.bootstrapServers] });
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.close();
  });

  const write = (partition: number, values: string[]) =>
    producer.send({ topic: 'ledger', messages: values.map((value) => ({ partition, value })) });

  it('reads every partition from its start to the high watermark, in offset order, counting values that are not JSON', async () => {
    await write(0, ['{"n":1}', '{"n":2}']);
    await write(2, ['{"n":3}', 'not json', '{"n":4}']);
    const seen: ReplayedRecord[] = [];
    const report = await replayTopic(runnel, 'ledger', (record) => seen.push(record));
    // In offset order within a partition; partitions may interleave.
    const byPartition = (p: number) => seen.filter((r) => r.partition === p);
    expect(byPartition(0)).toEqual([
      { value: { n: 1 }, partition: 0, offset: 0n },
      { value: { n: 2 }, partition: 0, offset: 1n },
    ]);
    expect(byPartition(1)).toEqual([]);
    expect(byPartition(2)).toEqual([
      { value: { n: 3 }, partition: 2, offset: 0n },
      { value: { n: 4 }, partition: 2, offset: 2n },
    ]);
    expect(report).toEqual({
      topic: 'ledger',
      records: 4,
      unreadable: 1,
      positions: new Map([
        [0, 2n],
        [1, 0n],
        [2, 3n],
      ]),
    });
  });

  it('reads one partition on from a position, and nothing when nothing was written since', async () => {
    const before = await replayTopic(runnel, 'ledger', () => undefined, { partitions: [0] });
    await write(0, ['{"n":5}']);
    const seen: unknown[] = [];
    const report = await replayTopic(runnel, 'ledger', ({ value }) => seen.push(value), {
      partitions: [0],
      from: before.positions,
    });
    expect(seen).toEqual([{ n: 5 }]);
    expect(report.positions).toEqual(new Map([[0, 3n]]));
    // Nothing new: nothing read, the position stays.
    const again = await replayTopic(runnel, 'ledger', () => seen.push('unexpected'), {
      partitions: [0],
      from: report.positions,
    });
    expect([seen.length, again.positions.get(0)]).toEqual([1, 3n]);
  });
});
