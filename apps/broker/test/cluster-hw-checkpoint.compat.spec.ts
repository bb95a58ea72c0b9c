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
  Produce,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const TOPIC = 'checkpointed';
const ARGS = [
  '--replica-high-watermark-checkpoint-interval-ms',
  '200',
  // Broker 1 stays registered and in the ISR while it is paused below.
  '--broker-session-timeout-ms',
  '30000',
  '--replica-lag-time-max-ms',
  '60000',
];

async function withClient<T>(port: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

async function partitionState(port: number) {
  const response = await withClient(port, (c) =>
    c.request(Metadata, 9, {
      topics: [{ name: TOPIC }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
  return response.topics[0]!.partitions[0]!;
}

/** ListOffsets LATEST: the high watermark. */
async function latest(port: number): Promise<bigint> {
  const response = await withClient(port, (c) =>
    c.request(ListOffsets, 4, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
    }),
  );
  const partition = response.topics[0]!.partitions[0]!;
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  return partition.offset;
}

async function produce(port: number, value: string, acks: number) {
  const records = await encodeRecordBatch({
    compression: CompressionType.None,
    records: [{ key: null, value: Buffer.from(value), timestamp: BigInt(Date.now()) }],
  });
  const response = await withClient(port, (c) =>
    c.request(Produce, 8, {
      transactionalId: null,
      acks,
      timeoutMs: 10_000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
    }),
  );
  return response.responses[0]!.partitionResponses[0]!;
}

async function consumed(port: number): Promise<string[]> {
  const response = await withClient(port, (c) =>
    c.request(Fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    }),
  );
  const partition = response.responses[0]!.partitions[0]!;
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  const { batches } = await decodeRecordBatches(partition.records ?? Buffer.alloc(0));
  return batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
}

describe('replication-offset-checkpoint across a restart', () => {
  let cluster: TestCluster;
  const broker = (id: number) => cluster.process(id);
  const checkpoint = (id: number) =>
    readFileSync(join(cluster.dataDir(id), 'replication-offset-checkpoint'), 'utf8');

  beforeAll(async () => {
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2].map((id) => cluster.startBrokerProcess(id, ARGS)));
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'records each replica’s high watermark, and a restarted leader exposes no record its follower does not have',
    async () => {
      const kafka = new Kafka({ brokers: [broker(1).bootstrapServers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(2));
      await admin.createTopics({
        topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [2, 1] }] }],
      });
      await admin.disconnect();
      await eventually(async () =>
        expect((await produce(broker(2).port, 'a', -1)).errorCode).toBe(ErrorCode.NONE),
      );
      expect((await produce(broker(2).port, 'b', -1)).errorCode).toBe(ErrorCode.NONE);

      // Kafka's format, on the leader and (once the leader's answer told it) on the follower.
      await eventually(async () => expect(checkpoint(2)).toBe(`0\n1\n${TOPIC} 0 2\n`));
      await eventually(async () => expect(checkpoint(1)).toBe(`0\n1\n${TOPIC} 0 2\n`));

      // Broker 1 pauses, still in the ISR: acks=1 records past the high watermark.
      broker(1).child.kill('SIGSTOP');
      expect(await produce(broker(2).port, 'c', 1)).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 2n,
      });
      expect(await produce(broker(2).port, 'd', 1)).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 3n,
      });
      expect(await latest(broker(2).port)).toBe(2n);

      // A clean restart: the checkpoint written at shutdown still says 2, and the log ends at 4.
      await cluster.stopBroker(2);
      expect(checkpoint(2)).toBe(`0\n1\n${TOPIC} 0 2\n`);
      const restarted = await cluster.startBrokerProcess(2, ARGS);
      await eventually(async () => expect((await partitionState(restarted.port)).leaderId).toBe(2));
      expect([...(await partitionState(restarted.port)).isrNodes].sort()).toEqual([1, 2]);
      // Not the log end: c and d are on broker 2 only.
      expect(await latest(restarted.port)).toBe(2n);
      expect(await consumed(restarted.port)).toEqual(['a', 'b']);

      // Resumed, broker 1 catches up (or, if its controller saw broker 2 leave meanwhile, leads and
      // broker 2 truncates what it alone had): either way both replicas end in the ISR at one high
      // watermark, the end of what both have, and both checkpoint it.
      broker(1).child.kill('SIGCONT');
      await eventually(async () => {
        const state = await partitionState(restarted.port);
        expect([...state.isrNodes].sort()).toEqual([1, 2]);
        const highWatermark = await latest(broker(state.leaderId).port);
        expect(highWatermark).toBeGreaterThanOrEqual(2n);
        expect(await consumed(broker(state.leaderId).port)).toHaveLength(Number(highWatermark));
        expect(checkpoint(1)).toBe(`0\n1\n${TOPIC} 0 ${highWatermark}\n`);
        expect(checkpoint(2)).toBe(`0\n1\n${TOPIC} 0 ${highWatermark}\n`);
      }, 30_000);
    },
    TIMEOUT_MS,
  );
});
