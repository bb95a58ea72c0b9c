import {
  type CompressionType,
  decodeRecordBatches,
  ErrorCode,
  encodeRecordBatch,
  Fetch,
  Produce,
  type RecordBatch,
  type RecordInput,
} from '@runnel/protocol';
import type { Consumer } from '../../src/consumer/consumer.js';
import type { ConsumerMessage } from '../../src/consumer/consumer-message.js';
import { Runnel } from '../../src/runnel.js';
import { startTestBroker } from './test-broker.js';

/**
 * Client behaviours written once and run against any Kafka-protocol cluster: our embedded broker,
 * librdkafka's mock cluster, Apache Kafka. A suite gets a cluster from `start()` in beforeAll and
 * closes it in afterAll; every test makes its own topic and its own Runnel instances.
 *
 * The oracles are not the component under test: what a producer wrote is read back with raw
 * Fetch requests to each partition's leader and decoded by @runnel/protocol; what a consumer reads
 * was written with raw Produce requests of batches built by @runnel/protocol; keyed placement is
 * compared with kafkajs's default (Java-compatible) partitioner. Only the contract's own
 * round-trip test has our producer feed our consumer.
 *
 * A cluster picks its topics' partition count (librdkafka's mock always makes 4), so the tests
 * take it from `newTopic()` and need at least 2.
 */
export interface ContractCluster {
  /** `host:port` entries for `new Runnel({ brokers })`. */
  readonly brokers: readonly string[];
  /** Makes a topic nobody has used yet, named from `prefix`; resolves once every partition has a leader. */
  newTopic(prefix: string): Promise<{ topic: string; partitions: number }>;
  close(): Promise<void>;
}

export type StartContractCluster = () => Promise<ContractCluster>;

/**
 * Where a cluster departs from Kafka in a way the contract must know before its tests are listed;
 * each is a fact about that broker, checked by its own spec.
 */
export interface ClusterDeviations {
  /**
   * Every successful Produce response carries this LogAppendTimeMs, even for CreateTime topics
   * (librdkafka's mock: 1234; Kafka: -1). `send()` reports it as the record's timestamp, as the
   * Java producer does with a LogAppendTime it is given.
   */
  logAppendTimeMs?: number;
  /**
   * The broker answers Produce requests with acks 0 (librdkafka's mock does; Kafka never does, and
   * a client drops a connection whose responses do not match its requests). The contract's acks 0
   * test is then left out.
   */
  answersAcksZero?: boolean;
  /**
   * ListOffsets v4+ responses cannot be read (librdkafka 2.0.2's mock writes LeaderEpoch as an
   * int64, 4 bytes more than the schema): tests that need a ListOffsets (an offset reset, admin
   * offsets) are left out.
   */
  unreadableListOffsets?: boolean;
  /**
   * The coordinator completes a SyncGroup round as soon as the leader's assignments arrive, and
   * answers a follower whose SyncGroup comes after the leader's with REBALANCE_IN_PROGRESS and a
   * null assignment (librdkafka's mock). Which member's SyncGroup arrives first is a race, so the
   * contract's tests with two members at once are left out.
   */
  syncGroupRacesFollowers?: boolean;
}

/** Partitions of the topics the embedded broker adapter creates: the same as the mock's. */
const EMBEDDED_PARTITIONS = 4;

/** The embedded broker (startTestBroker) as a contract cluster; topics come from our Admin. */
export async function startEmbeddedContractCluster(): Promise<ContractCluster> {
  const broker = await startTestBroker();
  const runnel = new Runnel({ clientId: 'contract-admin', brokers: [broker.bootstrap] });
  const admin = runnel.admin();
  await admin.connect();
  let count = 0;
  return {
    brokers: [broker.bootstrap],
    newTopic: async (prefix) => {
      const topic = `${prefix}-${++count}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: EMBEDDED_PARTITIONS }] });
      return { topic, partitions: EMBEDDED_PARTITIONS };
    },
    close: async () => {
      await admin.disconnect();
      await broker.close();
    },
  };
}

/** A Runnel of its own per test, so disconnecting closes its connections. */
export function runnelOn(cluster: ContractCluster, clientId: string): Runnel {
  return new Runnel({ clientId, brokers: [...cluster.brokers] });
}

/** Every batch stored in one partition, fetched from its leader from offset 0 up to the high watermark. */
export async function storedBatches(
  runnel: Runnel,
  topic: string,
  partition: number,
): Promise<RecordBatch[]> {
  await runnel.cluster.connect();
  try {
    const metadata = await runnel.cluster.refreshMetadata([topic]);
    const leader = metadata.topics.get(topic)?.partitions[partition]?.leader ?? -1;
    const connection = await runnel.cluster.connection(leader);
    const batches: RecordBatch[] = [];
    for (let offset = 0n; ; ) {
      const response = await connection.request(Fetch, {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 16 << 20,
        isolationLevel: 0,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 16 << 20 }] }],
      });
      const answer = response.responses[0]!.partitions[0]!;
      if (answer.errorCode !== ErrorCode.NONE)
        throw new Error(`Fetch ${topic}-${partition}: ${answer.errorCode}`);
      if (offset >= answer.highWatermark || answer.records === null) return batches;
      const { batches: read } = await decodeRecordBatches(answer.records);
      // A batch starting before `offset` comes again when the fetch lands inside it; keep it once.
      const fresh = read.filter((b) => b.header.baseOffset >= offset);
      if (fresh.length === 0) throw new Error(`Fetch ${topic}-${partition} at ${offset}: no whole batch`);
      batches.push(...fresh);
      const last = fresh.at(-1)!.header;
      offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
    }
  } finally {
    await runnel.cluster.disconnect();
  }
}

/** Writes `batches` to one partition with raw Produce requests (acks -1), one request per batch. */
export async function produceBatches(
  runnel: Runnel,
  topic: string,
  partition: number,
  batches: readonly { records: RecordInput[]; compression?: CompressionType }[],
): Promise<void> {
  await runnel.cluster.connect();
  try {
    const metadata = await runnel.cluster.refreshMetadata([topic]);
    const leader = metadata.topics.get(topic)?.partitions[partition]?.leader ?? -1;
    const connection = await runnel.cluster.connection(leader);
    for (const batch of batches) {
      const records = await encodeRecordBatch(batch);
      const response = await connection.request(Produce, {
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
      });
      const { errorCode } = response.responses[0]!.partitionResponses[0]!;
      if (errorCode !== ErrorCode.NONE) throw new Error(`Produce ${topic}-${partition}: error ${errorCode}`);
    }
  } finally {
    await runnel.cluster.disconnect();
  }
}

export interface Consumed<K = Buffer | null, V = Buffer | null> {
  partition: number;
  message: ConsumerMessage<K, V>;
}

/**
 * Runs `consumer` with eachMessage until `count` messages arrived (then stops it by disconnect);
 * fails at once if the consumer crashes.
 */
export function consumeCount<K, V>(consumer: Consumer<K, V>, count: number): Promise<Consumed<K, V>[]> {
  const seen: Consumed<K, V>[] = [];
  return new Promise((resolve, reject) => {
    consumer.once('crash', ({ error }) => reject(error));
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          seen.push({ partition, message });
          if (seen.length === count) resolve(seen);
        },
      })
      .catch(reject);
  });
}

/** A key, value or header as text; null stays null. */
export const text = (b: Buffer | null | undefined): string | null => (b == null ? null : b.toString());
/** The records of `batches`, in order. */
export const recordsOf = (batches: readonly RecordBatch[]) => batches.flatMap((b) => b.records);
