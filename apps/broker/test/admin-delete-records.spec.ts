import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '@runnel/log-store';
import { CreateTopics, DeleteRecords, ErrorCode, encodeRecordBatch } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const RECORDS_PER_BATCH = 5;
const BATCHES = 4;

/** Appends BATCHES batches of RECORDS_PER_BATCH records (offsets 0-19) to a stopped broker's partition. */
async function fillPartition(dataDir: string, partitionDir: string): Promise<void> {
  const log = PartitionLog.open(join(dataDir, partitionDir));
  for (let b = 0; b < BATCHES; b++) {
    log.append(
      await encodeRecordBatch({
        baseTimestamp: Date.now(),
        records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
          value: Buffer.from(`record ${b}.${i}`),
        })),
      }),
    );
  }
  await log.close();
}

describe('DeleteRecords', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;
  const start = async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  };
  const stop = async () => {
    client.close();
    await broker.close();
  };
  const deleteRecords = (version: number, name: string, partitions: [number, bigint][]) =>
    client.request(DeleteRecords, version, {
      topics: [
        { name, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) },
      ],
      timeoutMs: 1000,
    });
  const results = (response: Awaited<ReturnType<typeof deleteRecords>>) =>
    response.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark]));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-delete-records-'));
    await start();
    const topic = (name: string, configs: { name: string; value: string }[] = []) => ({
      name,
      numPartitions: 2,
      replicationFactor: 1,
      assignments: [],
      configs,
    });
    await client.request(CreateTopics, 4, {
      topics: [
        topic('records'),
        topic('compacted', [{ name: 'cleanup.policy', value: 'compact' }]),
        topic('__consumer_offsets'),
        topic('trimmed-by-kafkajs'),
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    await stop();
    await fillPartition(dataDir, 'records-0');
    await fillPartition(dataDir, 'records-1');
    await fillPartition(dataDir, 'compacted-0');
    await fillPartition(dataDir, 'trimmed-by-kafkajs-0');
    await start();
  });
  afterAll(stop);

  it('moves the low watermark, answers the old one for an offset below it, and -1 means the high watermark', async () => {
    expect(results(await deleteRecords(0, 'records', [[0, 7n]]))).toEqual([[0, ErrorCode.NONE, 7n]]);
    expect(
      results(
        await deleteRecords(1, 'records', [
          [0, 3n],
          [1, -1n],
        ]),
      ),
    ).toEqual([
      [0, ErrorCode.NONE, 7n],
      [1, ErrorCode.NONE, 20n],
    ]);
  });

  it('refuses offsets beyond the high watermark, unknown partitions, compacted and internal topics', async () => {
    expect(
      results(
        await deleteRecords(1, 'records', [
          [0, 21n],
          [2, 0n],
        ]),
      ),
    ).toEqual([
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1n],
      [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ]);
    expect(results(await deleteRecords(1, 'missing', [[0, 0n]]))).toEqual([
      [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ]);
    expect(results(await deleteRecords(1, 'compacted', [[0, 5n]]))).toEqual([
      [0, ErrorCode.POLICY_VIOLATION, -1n],
    ]);
    expect(results(await deleteRecords(1, '__consumer_offsets', [[0, 0n]]))).toEqual([
      [0, ErrorCode.INVALID_TOPIC_EXCEPTION, -1n],
    ]);
  });

  it('keeps the new low watermark across a restart', async () => {
    expect(results(await deleteRecords(1, 'records', [[0, 12n]]))).toEqual([[0, ErrorCode.NONE, 12n]]);
    await stop();
    await start();
    expect(results(await deleteRecords(1, 'records', [[0, 0n]]))).toEqual([[0, ErrorCode.NONE, 12n]]);
  });

  it('deletes records through kafkajs, whose offsets then start at the new low watermark', async () => {
    const admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const offsets = async () =>
        (await admin.fetchTopicOffsets('trimmed-by-kafkajs')).map(({ partition, low, high }) => [
          partition,
          low,
          high,
        ]);
      expect(await offsets()).toEqual([
        [0, '0', '20'],
        [1, '0', '0'],
      ]);
      await admin.deleteTopicRecords({
        topic: 'trimmed-by-kafkajs',
        partitions: [{ partition: 0, offset: '15' }],
      });
      expect(await offsets()).toEqual([
        [0, '15', '20'],
        [1, '0', '0'],
      ]);
      await admin.deleteTopicRecords({
        topic: 'trimmed-by-kafkajs',
        partitions: [{ partition: 0, offset: '-1' }],
      });
      expect(await offsets()).toEqual([
        [0, '20', '20'],
        [1, '0', '0'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});
