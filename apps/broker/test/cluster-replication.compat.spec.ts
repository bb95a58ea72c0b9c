// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompressionType,
  decodeRecordBatches,
  ErrorCode,
  encodeRecordBatch,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetForLeaderEpoch,
  Produce,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
/** Long enough that a SIGSTOPped follower is dropped from the ISR for lagging, well before its lease expires. */
const LAG_TIME_MAX_MS = 3000;
const SESSION_TIMEOUT_MS = 8000;

async function withClient<T>(port: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

async function partitionMetadata(port: number, topic: string) {
  const response = await withClient(port, (c) =>
    c.request(Metadata, 9, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
  return {
    brokers: response.brokers.map((b) => b.nodeId).sort(),
    partition: response.topics[0]!.partitions[0]!,
  };
}

/** ListOffsets LATEST of `topic`-0: the high watermark. */
async function latest(port: number, topic: string): Promise<bigint> {
  const response = await withClient(port, (c) =>
    c.request(ListOffsets, 4, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
    }),
  );
  const partition = response.topics[0]!.partitions[0]!;
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  return partition.offset;
}

/** Produce v8 of one record `value` to `topic`-0 with `acks`; resolves with the partition's answer. */
async function produce(port: number, topic: string, value: string, acks: number) {
  const records = await encodeRecordBatch({
    compression: CompressionType.None,
    records: [{ key: null, value: Buffer.from(value), timestamp: BigInt(Date.now()) }],
  });
  const response = await withClient(port, (c) =>
    c.request(Produce, 8, {
      transactionalId: null,
      acks,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    }),
  );
  return response.responses[0]!.partitionResponses[0]!;
}

/** The values a consumer's Fetch v11 of `topic`-0 from offset 0 returns (up to the high watermark). */
async function consumed(port: number, topic: string): Promise<string[]> {
  const response = await withClient(port, (c) =>
    c.request(Fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    }),
  );
  const partition = response.responses[0]!.partitions[0]!;
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  const { batches } = await decodeRecordBatches(partition.records ?? Buffer.alloc(0));
  return batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
}

describe('replication across three brokers', () => {
  let cluster: TestCluster;
  const broker = (id: number) => cluster.process(id);

  const args = [
    '--broker-session-timeout-ms',
    String(SESSION_TIMEOUT_MS),
    '--replica-lag-time-max-ms',
    String(LAG_TIME_MAX_MS),
    '--min-insync-replicas',
    '2',
    // The failover check's consumer group first needs __consumer_offsets while one broker is
    // down: at the default replication factor 3 it could not be created until that one returned.
    '--offsets-topic-replication-factor',
    '2',
  ];

  beforeAll(async () => {
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2, 3].map((id) => cluster.startBrokerProcess(id, args)));
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'holds the high watermark for a paused follower, drops it from the ISR after replica.lag.time.max.ms, refuses acks=-1 below min.insync.replicas, and takes it back once it catches up',
    async () => {
      const kafka = new Kafka({ brokers: [broker(1).bootstrapServers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(3));
      await admin.createTopics({
        topics: [{ topic: 'lagging', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }],
      });
      await admin.disconnect();
      const leader = broker(1).port;
      await eventually(async () =>
        expect((await produce(leader, 'lagging', 'first', -1)).errorCode).toBe(ErrorCode.NONE),
      );
      expect(await latest(leader, 'lagging')).toBe(1n);

      broker(2).child.kill('SIGSTOP');
      // Appended by the leader, acknowledged with acks=1, and not readable: the follower does not have it.
      expect(await produce(leader, 'lagging', 'held', 1)).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 1n,
      });
      expect(await latest(leader, 'lagging')).toBe(1n);
      expect(await consumed(leader, 'lagging')).toEqual(['first']);

      // Dropped for lagging while its registration still stands; the high watermark then moves on without it.
      const shrunk = await eventually(async () => {
        const metadata = await partitionMetadata(leader, 'lagging');
        expect(metadata.partition.isrNodes).toEqual([1]);
        return metadata;
      });
      expect(shrunk.brokers).toEqual([1, 2, 3]);
      expect(await latest(leader, 'lagging')).toBe(2n);
      expect(await consumed(leader, 'lagging')).toEqual(['first', 'held']);
      expect(await produce(leader, 'lagging', 'refused', -1)).toMatchObject({
        errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
      });
      expect(await latest(leader, 'lagging')).toBe(2n);

      broker(2).child.kill('SIGCONT');
      await eventually(async () =>
        expect((await partitionMetadata(leader, 'lagging')).partition.isrNodes.sort()).toEqual([1, 2]),
      );
      expect(await produce(leader, 'lagging', 'after', -1)).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 2n,
      });
      expect(await consumed(leader, 'lagging')).toEqual(['first', 'held', 'after']);
    },
    TIMEOUT_MS,
  );

  it(
    "loses no acknowledged record, duplicates none and keeps their order when an idempotent acks=-1 producer's leader is SIGKILLed",
    async () => {
      const kafka = new Kafka({
        brokers: [broker(2).bootstrapServers, broker(3).bootstrapServers],
        logLevel: logLevel.NOTHING,
        retry: { retries: 40, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: 'failover', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
      });
      await eventually(async () =>
        expect((await partitionMetadata(broker(2).port, 'failover')).partition.isrNodes.sort()).toEqual([
          1, 2, 3,
        ]),
      );
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();

      const acknowledged: number[] = [];
      let next = 0;
      let stop = false;
      let killedAt = -1;
      const writing = (async () => {
        while (!stop) {
          const value = next++;
          try {
            await producer.send({ topic: 'failover', acks: -1, messages: [{ value: String(value) }] });
            acknowledged.push(value);
          } catch {
            // Unknown: it may or may not be in the log; only acknowledged values are checked.
          }
          if (acknowledged.length === 100 && killedAt < 0) {
            killedAt = value;
            await broker(1).stop('SIGKILL');
          }
        }
      })();
      await eventually(async () => expect(acknowledged.length).toBeGreaterThanOrEqual(250), 60_000);
      stop = true;
      await writing;
      await producer.disconnect();

      const after = await partitionMetadata(broker(2).port, 'failover');
      expect([2, 3]).toContain(after.partition.leaderId);
      expect(after.partition.leaderEpoch).toBeGreaterThan(0);
      const newLeader = broker(after.partition.leaderId).port;
      const high = await latest(newLeader, 'failover');
      const values: number[] = [];
      const consumer = kafka.consumer({ groupId: 'failover-check' });
      await consumer.connect();
      await consumer.subscribe({ topic: 'failover', fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              values.push(Number(message.value!.toString()));
              if (BigInt(message.offset) + 1n >= high) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      await admin.disconnect();

      expect(new Set(values).size).toBe(values.length);
      const inLog = new Set(values);
      expect(acknowledged.filter((v) => !inLog.has(v))).toEqual([]);
      // Each value was sent after the one before was answered, so the log holds them in sending order.
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(acknowledged.some((v) => v > killedAt)).toBe(true);
    },
    TIMEOUT_MS,
  );

  it(
    "truncates a returning leader's unreplicated tail where its successor's epoch says, then follows it",
    async () => {
      const kafka = new Kafka({ brokers: [broker(2).bootstrapServers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: 'diverging', replicaAssignment: [{ partition: 0, replicas: [3, 2] }] }],
      });
      await admin.disconnect();
      await eventually(async () =>
        expect((await produce(broker(3).port, 'diverging', 'first', -1)).errorCode).toBe(ErrorCode.NONE),
      );

      // The paused follower's waiting fetch takes tail-1 with it; it cannot ask for tail-2.
      broker(2).child.kill('SIGSTOP');
      expect(await produce(broker(3).port, 'diverging', 'tail-1', 1)).toMatchObject({ baseOffset: 1n });
      expect(await produce(broker(3).port, 'diverging', 'tail-2', 1)).toMatchObject({ baseOffset: 2n });
      await broker(3).stop('SIGKILL');
      broker(2).child.kill('SIGCONT');

      const leader = broker(2).port;
      await eventually(async () =>
        expect((await partitionMetadata(leader, 'diverging')).partition.leaderId).toBe(2),
      );
      // Offset 2 is free on the new leader: tail-2 never reached it.
      expect(await produce(leader, 'diverging', 'new', 1)).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 2n,
      });
      expect(await consumed(leader, 'diverging')).toEqual(['first', 'tail-1', 'new']);

      const returned = await cluster.startBrokerProcess(3, args);
      await eventually(async () =>
        expect([...(await partitionMetadata(leader, 'diverging')).partition.isrNodes].sort()).toEqual([2, 3]),
      );
      expect(returned.output.join('')).toContain('diverging-0: truncated from 3 to 2');
      // Kafka's format: version, count, then "<epoch> <start offset>"; epoch 1 began at offset 2 on broker 2.
      expect(readFileSync(join(cluster.dataDir(3), 'diverging-0', 'leader-epoch-checkpoint'), 'utf8')).toBe(
        '0\n2\n0 0\n1 2\n',
      );

      // Broker 3 leads once broker 2 leaves, and serves what broker 2 had, tail-2 gone.
      await cluster.stopBroker(2);
      await eventually(async () =>
        expect((await partitionMetadata(returned.port, 'diverging')).partition.leaderId).toBe(3),
      );
      await eventually(async () =>
        expect(await consumed(returned.port, 'diverging')).toEqual(['first', 'tail-1', 'new']),
      );
      // OffsetForLeaderEpoch from its checkpoint: epoch 0 ended at 2, epoch 1 (the latest it has) at the log end.
      const epochs = await withClient(returned.port, (c) =>
        c.request(OffsetForLeaderEpoch, 3, {
          replicaId: -1,
          topics: [
            {
              topic: 'diverging',
              partitions: [
                { partition: 0, currentLeaderEpoch: 2, leaderEpoch: 0 },
                { partition: 0, currentLeaderEpoch: 2, leaderEpoch: 1 },
                { partition: 0, currentLeaderEpoch: 1, leaderEpoch: 1 },
              ],
            },
          ],
        }),
      );
      expect(epochs.topics[0]!.partitions).toEqual([
        { errorCode: ErrorCode.NONE, partition: 0, leaderEpoch: 0, endOffset: 2n },
        { errorCode: ErrorCode.NONE, partition: 0, leaderEpoch: 1, endOffset: 3n },
        { errorCode: ErrorCode.FENCED_LEADER_EPOCH, partition: 0, leaderEpoch: -1, endOffset: -1n },
      ]);
    },
    TIMEOUT_MS,
  );
});
