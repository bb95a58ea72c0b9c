import { CreateTopics, decodeRecordBatches, ErrorCode, Fetch, type RecordBatch } from '@runnel/protocol';
import { type IHeaders, Kafka, logLevel } from 'kafkajs';
import { BrokerConnection } from '../src/connection/broker-connection.js';
import { Cluster } from '../src/metadata/cluster.js';
import { Producer } from '../src/producer/producer.js';
import type { ProducerOptions } from '../src/producer/producer-options.js';
import { parseBootstrap } from './support/test-broker.js';

/** A Cluster on `bootstrap` with Runnel's default settings. */
export function clusterOf(bootstrap: string, overrides: { requestTimeoutMs?: number } = {}): Cluster {
  return new Cluster({
    clientId: 'producer-spec',
    brokers: [parseBootstrap(bootstrap)],
    connectTimeoutMs: 10_000,
    requestTimeoutMs: overrides.requestTimeoutMs ?? 30_000,
    metadataMaxAgeMs: 300_000,
    reconnectBackoffMs: 50,
    reconnectBackoffMaxMs: 1000,
    allowAutoTopicCreation: true,
  });
}

/** A connected producer on its own Cluster; `close()` disconnects both. */
export async function connectedProducer<K = Buffer | string | null, V = Buffer | string | null>(
  bootstrap: string,
  options: ProducerOptions<K, V> = {},
): Promise<{ producer: Producer<K, V>; cluster: Cluster; close(): Promise<void> }> {
  const cluster = clusterOf(bootstrap, { requestTimeoutMs: options.requestTimeoutMs });
  const producer = new Producer<K, V>(cluster, options);
  await producer.connect();
  return {
    producer,
    cluster,
    close: async () => {
      await producer.disconnect();
      await cluster.disconnect();
    },
  };
}

/** One request connection to the broker, for admin calls and fetches of raw batches. */
export function rawConnection(bootstrap: string): Promise<BrokerConnection> {
  return BrokerConnection.connect(parseBootstrap(bootstrap), {
    clientId: 'producer-spec-raw',
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
  });
}

/** Creates `name` with `partitions` partitions and topic `configs`; fails on any error code. */
export async function createTopic(
  connection: BrokerConnection,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const { topics } = await connection.request(CreateTopics, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: 1,
        assignments: [],
        configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
      },
    ],
    timeoutMs: 10_000,
  });
  if (topics[0]?.errorCode !== ErrorCode.NONE) {
    throw new Error(`CreateTopics ${name}: error ${topics[0]?.errorCode} ${topics[0]?.errorMessage}`);
  }
}

/** Every batch stored in `topic`-`partition`, as the broker serves them to a Fetch from offset 0. */
export async function storedBatches(
  connection: BrokerConnection,
  topic: string,
  partition: number,
): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  let offset = 0n;
  for (;;) {
    const response = await connection.request(Fetch, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 64 << 20,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 64 << 20 }] }],
    });
    const answer = response.responses[0]!.partitions[0]!;
    if (answer.errorCode !== ErrorCode.NONE)
      throw new Error(`Fetch ${topic}-${partition}: error ${answer.errorCode}`);
    if (answer.records === null || answer.records.length === 0) return batches;
    const { batches: read } = await decodeRecordBatches(answer.records);
    if (read.length === 0) return batches;
    batches.push(...read);
    const last = read.at(-1)!.header;
    offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
    if (offset >= answer.highWatermark) return batches;
  }
}

/** A record as kafkajs's consumer hands it over. */
export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: number;
}

/** Reads `count` records of `topic` from the beginning with a kafkajs consumer group, then leaves. */
export async function consumeWithKafkajs(
  bootstrap: string,
  topic: string,
  count: number,
): Promise<ConsumedRecord[]> {
  const kafka = new Kafka({ clientId: 'kafkajs-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            records.push({
              partition,
              offset: BigInt(message.offset),
              key: message.key,
              value: message.value,
              headers: message.headers ?? {},
              timestamp: Number(message.timestamp),
            });
            if (records.length >= count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
