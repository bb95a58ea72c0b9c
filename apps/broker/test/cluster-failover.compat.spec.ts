// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { ErrorCode, ListOffsets, Metadata } from '@runnel/protocol';
import { Etcd3 } from 'etcd3';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 60_000;
const REBALANCE_ARGS = ['--leader-imbalance-check-interval-seconds', '1'];

/** ListOffsets v4 of the latest offset of `topic`-0 with the client's `currentLeaderEpoch`, at broker `port`. */
async function latestOffset(port: number, topic: string, currentLeaderEpoch: number) {
  const client = await RawClient.connect(port);
  try {
    const response = await client.request(ListOffsets, 4, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp: -1n }] }],
    });
    return response.topics[0]!.partitions[0]!;
  } finally {
    client.close();
  }
}

/** Metadata v9 of `topic` as broker `port` answers it. */
async function metadataOf(port: number, topic: string) {
  const client = await RawClient.connect(port);
  try {
    return await client.request(Metadata, 9, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  } finally {
    client.close();
  }
}

describe('a cluster through the loss of a broker and of its controller', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    // A check for partitions led away from their preferred replica every second (Kafka's is every 300 s).
    cluster = await TestCluster.start(2, { leaderImbalanceCheckIntervalSeconds: 1 });
    await cluster.startBrokerProcess(3, REBALANCE_ARGS);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'takes a killed broker out of Metadata when its lease expires, moves its partition to the in-sync follower, and gives it back once it returns and catches up',
    async () => {
      const observer = cluster.members.get(1)!.broker;
      const kafka = new Kafka({ brokers: [observer.bootstrapServers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(3));
      await admin.createTopics({
        topics: [{ topic: 'on-three', replicaAssignment: [{ partition: 0, replicas: [3, 1] }] }],
      });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'on-three', acks: -1, messages: [{ value: 'kept' }] });
      await producer.disconnect();

      const killed = cluster.members.get(3)!;
      if (killed.kind !== 'process') throw new Error('broker 3 runs in a child process');
      await killed.broker.stop('SIGKILL');

      // No deregistration: broker 3 leaves when etcd expires its lease, and the controller elects
      // broker 1, in sync since it replicated the acknowledged record.
      const failedOver = await eventually(async () => {
        const response = await metadataOf(observer.port, 'on-three');
        expect(response.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2]);
        expect(response.topics[0]?.partitions[0]?.leaderEpoch).toBe(1);
        return response.topics[0]!.partitions[0]!;
      });
      expect(failedOver).toMatchObject({
        errorCode: ErrorCode.NONE,
        leaderId: 1,
        replicaNodes: [3, 1],
        isrNodes: [1],
        offlineReplicas: [3],
      });
      await expect(latestOffset(observer.port, 'on-three', 1)).resolves.toMatchObject({
        errorCode: ErrorCode.NONE,
        offset: 1n,
        leaderEpoch: 1,
      });

      // Back, broker 3 follows broker 1, rejoins the ISR, and leads again as the preferred replica.
      await cluster.startBrokerProcess(3, REBALANCE_ARGS);
      const back = await eventually(async () => {
        const partition = (await metadataOf(observer.port, 'on-three')).topics[0]!.partitions[0]!;
        expect(partition.leaderId).toBe(3);
        return partition;
      });
      expect(back).toMatchObject({ errorCode: ErrorCode.NONE, offlineReplicas: [], leaderEpoch: 2 });
      expect([...back.isrNodes].sort()).toEqual([1, 3]);

      // The returned leader holds its record, answers at its new epoch and fences a client that knew the old one.
      const leader = cluster.members.get(3)!.broker;
      await expect(latestOffset(leader.port, 'on-three', 2)).resolves.toMatchObject({
        errorCode: ErrorCode.NONE,
        offset: 1n,
        leaderEpoch: 2,
      });
      await expect(latestOffset(leader.port, 'on-three', 0)).resolves.toMatchObject({
        errorCode: ErrorCode.FENCED_LEADER_EPOCH,
      });
      const offsets = await eventually(() => admin.fetchTopicOffsets('on-three'));
      expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: '1' })]);
      await admin.disconnect();
    },
    TIMEOUT_MS,
  );

  it(
    'elects another controller when the controller leaves',
    async () => {
      const before = (await metadataOf(cluster.members.get(1)!.broker.port, 'on-three')).controllerId;
      const leaving = cluster.members.get(before);
      if (leaving?.kind !== 'in-process')
        throw new Error(`controller ${before} should be one of the in-process brokers`);
      const staying = cluster.members.get(before === 1 ? 2 : 1)!.broker;
      await cluster.stopBroker(before);
      const after = await eventually(async () => {
        const response = await metadataOf(staying.port, 'on-three');
        expect(response.controllerId).not.toBe(before);
        expect(response.controllerId).not.toBe(-1);
        return response;
      });
      expect(after.brokers.map((b) => b.nodeId)).toContain(after.controllerId);
      expect(after.brokers.map((b) => b.nodeId)).not.toContain(before);
    },
    TIMEOUT_MS,
  );

  it(
    'registers a broker again, at a new epoch, when its lease is revoked behind its back',
    async () => {
      const etcd = new Etcd3({ hosts: cluster.etcd.clientUrl });
      try {
        // The in-process broker the previous test left running (1 or 2).
        const member = [...cluster.members.values()].find((m) => m.kind === 'in-process')!;
        const key = `/runnel/runnel/brokers/ids/${member.nodeId}`;
        const before = (await etcd.get(key).exec()).kvs[0]!;
        await etcd.leaseClient.leaseRevoke({ ID: before.lease });
        // The broker learns from its next keepalive that the lease is gone and registers again.
        const after = await eventually(async () => {
          const kv = (await etcd.get(key).exec()).kvs[0];
          expect(Number(kv?.create_revision ?? 0)).toBeGreaterThan(Number(before.create_revision));
          return kv!;
        });
        expect(after.lease).not.toBe(before.lease);
        const staying = member.broker;
        const response = await eventually(async () => {
          const metadata = await metadataOf(staying.port, 'on-three');
          expect(metadata.brokers.map((b) => b.nodeId)).toContain(member.nodeId);
          expect(metadata.controllerId).not.toBe(-1);
          return metadata;
        });
        expect(response.brokers.find((b) => b.nodeId === member.nodeId)?.port).toBe(staying.port);
      } finally {
        etcd.close();
      }
    },
    TIMEOUT_MS,
  );
});
