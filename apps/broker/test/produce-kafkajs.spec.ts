import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionType, partitionForKey, type RecordBatch } from '@runnel/protocol';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';

const PARTITIONS = 4;

/**
 * Starts a broker on a fresh data directory with topic `topic` (PARTITIONS partitions), runs
 * `send` with a kafkajs producer, stops everything and returns the data directory, whose logs
 * then hold exactly what the producer wrote.
 */
async function produceWithKafkajs(
  topic: string,
  send: (producer: Producer) => Promise<void>,
  config: ProducerConfig = {},
): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-kafkajs-'));
  const broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
  const kafka = new Kafka({
    clientId: 'produce-test',
    brokers: [broker.bootstrapServers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await producer.connect();
    await send(producer);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
  return dataDir;
}

async function storedPartitions(dataDir: string, topic: string): Promise<RecordBatch[][]> {
  return Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readStoredBatches(dataDir, topic, p)));
}

/** The base offsets kafkajs reported, per partition, in the order the sends returned them. */
type ReportedOffsets = Map<number, bigint[]>;

function report(
  reported: ReportedOffsets,
  metadata: { partition: number; baseOffset?: string; errorCode: number }[],
) {
  for (const { partition, baseOffset, errorCode } of metadata) {
    expect(errorCode).toBe(0);
    reported.set(partition, [...(reported.get(partition) ?? []), BigInt(baseOffset!)]);
  }
}

describe('Produce with kafkajs', () => {
  it('places keyed records where murmur2 says, at the contiguous offsets send() reported', async () => {
    const reported: ReportedOffsets = new Map();
    const sent: { key: string; value: string }[] = [];
    const dataDir = await produceWithKafkajs('keyed', async (producer) => {
      for (let round = 0; round < 3; round++) {
        const messages = Array.from({ length: 12 }, (_, i) => ({
          key: `key-${i}`,
          value: `r${round}-v${i}`,
        }));
        sent.push(...messages);
        report(reported, await producer.send({ topic: 'keyed', messages }));
      }
    });
    const stored = await storedPartitions(dataDir, 'keyed');
    for (const [partition, batches] of stored.entries()) {
      const records = recordsOf(batches);
      for (const { key } of records) expect(partitionForKey(Buffer.from(key!), PARTITIONS)).toBe(partition);
      expect(records.map(({ offset }) => offset)).toEqual(records.map((_, i) => BigInt(i)));
      expect(batches.map(({ header }) => header.baseOffset)).toEqual(reported.get(partition) ?? []);
    }
    const all = stored.flatMap((batches) => recordsOf(batches));
    expect(all.map(({ key, value }) => ({ key, value })).sort(byValue)).toEqual([...sent].sort(byValue));
  });

  it('stores records without keys, keeping their values and the order of each partition', async () => {
    const dataDir = await produceWithKafkajs('keyless', async (producer) => {
      for (let i = 0; i < 5; i++) {
        await producer.send({ topic: 'keyless', messages: [{ value: `m${i}` }, { value: `n${i}` }] });
      }
    });
    const all = (await storedPartitions(dataDir, 'keyless')).flatMap((batches) => recordsOf(batches));
    expect(all.every(({ key }) => key === null)).toBe(true);
    expect(all.map(({ value }) => value).sort()).toEqual(
      Array.from({ length: 5 }, (_, i) => [`m${i}`, `n${i}`])
        .flat()
        .sort(),
    );
  });

  it('stores headers, timestamps and values exactly as kafkajs sent them', async () => {
    const timestamp = Date.now() - 5_000;
    const dataDir = await produceWithKafkajs('headers', async (producer) => {
      await producer.send({
        topic: 'headers',
        messages: [
          {
            key: 'h',
            value: Buffer.from([0, 1, 2, 255]),
            timestamp: String(timestamp),
            headers: { trace: 'abc-123', binary: Buffer.from([9, 8]), repeated: ['one', 'two'] },
          },
        ],
      });
    });
    const batches = (await storedPartitions(dataDir, 'headers')).flat();
    const [record] = batches.flatMap(({ records }) => records);
    expect(record!.value).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(record!.timestamp).toBe(BigInt(timestamp));
    expect(record!.headers.map(({ key, value }) => [key, value?.toString('hex')])).toEqual([
      ['trace', Buffer.from('abc-123').toString('hex')],
      ['binary', '0908'],
      ['repeated', Buffer.from('one').toString('hex')],
      ['repeated', Buffer.from('two').toString('hex')],
    ]);
  });

  it('stores gzip batches compressed, as sent, and they decode to what was sent', async () => {
    const values = Array.from({ length: 50 }, (_, i) => `compressible value ${i} `.repeat(10));
    const dataDir = await produceWithKafkajs('gzipped', async (producer) => {
      await producer.send({
        topic: 'gzipped',
        compression: CompressionTypes.GZIP,
        messages: values.map((value) => ({ key: 'same-key', value })),
      });
    });
    const batches = (await storedPartitions(dataDir, 'gzipped')).flat();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.compression).toBe(CompressionType.Gzip);
    expect(batches[0]!.header.sizeInBytes).toBeLessThan(values.join('').length / 4);
    expect(recordsOf(batches).map(({ value }) => value)).toEqual(values);
  });

  it('writes an idempotent producer’s batches with its producer id and consecutive sequences', async () => {
    const reported: ReportedOffsets = new Map();
    const dataDir = await produceWithKafkajs(
      'idempotent',
      async (producer) => {
        for (let i = 0; i < 6; i++) {
          const messages = [
            { key: `k${i % 2}`, value: `a${i}` },
            { key: `k${i % 2}`, value: `b${i}` },
          ];
          report(reported, await producer.send({ topic: 'idempotent', messages }));
        }
      },
      { idempotent: true, maxInFlightRequests: 1 },
    );
    const stored = await storedPartitions(dataDir, 'idempotent');
    const batches = stored.flat();
    expect(batches).toHaveLength(6);
    const producerIds = new Set(batches.map(({ header }) => header.producerId));
    expect(producerIds.size).toBe(1);
    expect([...producerIds][0]).toBeGreaterThanOrEqual(0n);
    for (const [partition, ofPartition] of stored.entries()) {
      expect(ofPartition.map(({ header }) => header.baseSequence)).toEqual(ofPartition.map((_, i) => 2 * i));
      expect(ofPartition.map(({ header }) => header.baseOffset)).toEqual(reported.get(partition) ?? []);
    }
  });
});

function byValue(a: { value: string }, b: { value: string }): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
