// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { OFFSETS_TOPIC, offsetsTopicPartitionFor } from '@runnel/coordinator';
import { ErrorCode, FindCoordinator, ListGroups, Metadata, OffsetFetch } from '@runnel/protocol';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const OFFSETS_PARTITIONS = 6;
const TOPIC = 'ledger';
const GROUP = 'ledger-readers';
const BEFORE_KILL = 30;
const AFTER_KILL = 30;
const AFTER_RETURN = 30;

async function withClient<T>(port: number, run: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** FindCoordinator v3 for GROUP at the broker on `port`. */
function findCoordinator(port: number) {
  return withClient(port, (c) => c.request(FindCoordinator, 3, { key: GROUP, keyType: 0 }));
}

/** The leader, replicas and ISR of GROUP's `__consumer_offsets` partition, as the broker on `port` lists them. */
async function offsetsPartition(port: number) {
  const response = await withClient(port, (c) =>
    c.request(Metadata, 9, {
      topics: [{ name: OFFSETS_TOPIC }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
  const topic = response.topics[0]!;
  const partition = topic.partitions.find(
    (p) => p.partitionIndex === offsetsTopicPartitionFor(GROUP, topic.partitions.length),
  )!;
  return { isInternal: topic.isInternal, partitions: topic.partitions.length, ...partition };
}

describe('consumer groups on a 3-broker cluster, their coordinator the leader of their __consumer_offsets partition', () => {
  let cluster: TestCluster;
  const broker = (id: number) => cluster.process(id);
  const args = [
    '--offsets-topic-num-partitions',
    String(OFFSETS_PARTITIONS),
    '--min-insync-replicas',
    '2',
    '--group-initial-rebalance-delay-ms',
    '0',
    // A returning broker gets back the partitions it is preferred leader of within seconds.
    '--leader-imbalance-check-interval-seconds',
    '1',
  ];

  beforeAll(async () => {
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2, 3].map((id) => cluster.startBrokerProcess(id, args)));
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'keeps a kafkajs group committed offsets through its coordinator SIGKILL: it rejoins at the new leader of its partition and resumes where it committed',
    async () => {
      const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await admin.connect();
      await producer.connect();
      let consumer: Consumer | undefined;
      try {
        await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }] });
        const send = (from: number, count: number) =>
          producer.send({
            topic: TOPIC,
            acks: -1,
            messages: Array.from({ length: count }, (_, i) => ({ value: String(from + i) })),
          });
        await send(0, BEFORE_KILL);

        // The first FindCoordinator creates __consumer_offsets in the cluster; every broker then
        // names the same coordinator, the leader of the group's partition.
        const found = await Promise.all([1, 2, 3].map((id) => findCoordinator(broker(id).port)));
        expect(found.map((f) => f.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
        const coordinator = found[0]!.nodeId;
        expect(found.map((f) => f.nodeId)).toEqual([coordinator, coordinator, coordinator]);
        const partition = await offsetsPartition(broker(1).port);
        expect(partition).toMatchObject({
          isInternal: true,
          partitions: OFFSETS_PARTITIONS,
          leaderId: coordinator,
        });
        expect([...partition.replicaNodes].sort()).toEqual([1, 2, 3]);

        // A broker that does not lead the group's partition does not coordinate it.
        const other = [1, 2, 3].find((id) => id !== coordinator)!;
        const refused = await withClient(broker(other).port, (c) =>
          c.request(OffsetFetch, 5, { groupId: GROUP, topics: null }),
        );
        expect(refused.errorCode).toBe(ErrorCode.NOT_COORDINATOR);

        // Records are told apart by partition and offset: a producer retry may write a value twice.
        const delivered: { record: string; value: number }[] = [];
        const committed = new Set<string>();
        /** Records delivered again after their commit had been acknowledged: must stay empty. */
        const afterCommit: string[] = [];
        /** Records whose commit failed (a coordinator moving): these alone may come again. */
        const uncommitted = new Set<string>();
        consumer = kafka.consumer({
          groupId: GROUP,
          sessionTimeout: 6000,
          heartbeatInterval: 500,
          maxWaitTimeInMs: 100,
        });
        await consumer.connect();
        await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
        const running = consumer;
        await running.run({
          autoCommit: false,
          eachMessage: async ({ partition: p, message }) => {
            const record = `${p}:${message.offset}`;
            delivered.push({ record, value: Number(message.value!.toString()) });
            if (committed.has(record)) afterCommit.push(record);
            try {
              await running.commitOffsets([
                { topic: TOPIC, partition: p, offset: String(BigInt(message.offset) + 1n) },
              ]);
            } catch (err) {
              uncommitted.add(record);
              throw err;
            }
            committed.add(record);
          },
        });
        /** Records in the topic (a retried send may have written some twice). */
        const inTopic = async () =>
          (await admin.fetchTopicOffsets(TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
        await eventually(async () => expect(committed.size).toBe(BEFORE_KILL), 60_000);
        // ListGroups on a broker lists the groups it coordinates, as Kafka's.
        const listed = async (id: number) =>
          (await withClient(broker(id).port, (c) => c.request(ListGroups, 2, {}))).groups.map(
            (g) => g.groupId,
          );
        expect(await listed(coordinator)).toContain(GROUP);
        expect(await listed(other)).not.toContain(GROUP);

        await broker(coordinator).stop('SIGKILL');
        cluster.members.delete(coordinator);
        const survivor = [1, 2, 3].find((id) => id !== coordinator)!;
        // FindCoordinator moves to the partition's new leader, an in-sync replica of the old one.
        const moved = await eventually(async () => {
          const answer = await findCoordinator(broker(survivor).port);
          expect(answer.errorCode).toBe(ErrorCode.NONE);
          expect(answer.nodeId).not.toBe(coordinator);
          return answer.nodeId;
        }, 30_000);
        expect((await offsetsPartition(broker(survivor).port)).leaderId).toBe(moved);
        // The committed offsets are there, read from the new coordinator's replica of the partition.
        const offsets = await eventually(async () => {
          const fetched = await withClient(broker(moved).port, (c) =>
            c.request(OffsetFetch, 5, {
              groupId: GROUP,
              topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2] }],
            }),
          );
          expect(fetched.errorCode).toBe(ErrorCode.NONE);
          return fetched.topics[0]!.partitions.map((p) => p.committedOffset);
        }, 30_000);
        expect(offsets.reduce((sum, offset) => sum + offset, 0n)).toBe(BigInt(BEFORE_KILL));

        await eventually(() => send(BEFORE_KILL, AFTER_KILL), 30_000);
        await eventually(async () => expect(committed.size).toBe(await inTopic()), 60_000);
        // Nothing committed before the kill came again, nothing is missing.
        expect(
          delivered
            .slice(0, BEFORE_KILL)
            .map((d) => d.value)
            .sort((a, b) => a - b),
        ).toEqual(Array.from({ length: BEFORE_KILL }, (_, i) => i));
        expect(delivered.slice(BEFORE_KILL).filter((d) => d.value < BEFORE_KILL)).toEqual([]);
        expect(new Set(delivered.map((d) => d.value))).toEqual(
          new Set(Array.from({ length: BEFORE_KILL + AFTER_KILL }, (_, i) => i)),
        );
        const described = await admin.describeGroups([GROUP]);
        expect(described.groups[0]).toMatchObject({ groupId: GROUP, state: 'Stable' });

        // The killed broker returns, catches up, and leads its preferred partitions again: the
        // interim coordinator unloads the group (NOT_COORDINATOR), the returned one loads it with
        // the offsets committed while it was away, and the group moves back.
        await cluster.startBrokerProcess(coordinator, args);
        await eventually(async () => {
          const answer = await findCoordinator(broker(survivor).port);
          expect(answer).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: coordinator });
        }, 60_000);
        await eventually(async () => {
          const fetched = await withClient(broker(moved).port, (c) =>
            c.request(OffsetFetch, 5, { groupId: GROUP, topics: null }),
          );
          expect(fetched.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
        }, 30_000);
        const returned = await eventually(async () => {
          const fetched = await withClient(broker(coordinator).port, (c) =>
            c.request(OffsetFetch, 5, {
              groupId: GROUP,
              topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2] }],
            }),
          );
          expect(fetched.errorCode).toBe(ErrorCode.NONE);
          return fetched.topics[0]!.partitions.map((p) => p.committedOffset);
        }, 30_000);
        expect(returned.reduce((sum, offset) => sum + offset, 0n)).toBe(BigInt(committed.size));
        const total = BEFORE_KILL + AFTER_KILL + AFTER_RETURN;
        await eventually(() => send(BEFORE_KILL + AFTER_KILL, AFTER_RETURN), 30_000);
        await eventually(async () => expect(committed.size).toBe(await inTopic()), 60_000);
        expect(afterCommit).toEqual([]);
        expect(new Set(delivered.map((d) => d.value))).toEqual(
          new Set(Array.from({ length: total }, (_, i) => i)),
        );
        const records = delivered.map((d) => d.record);
        const again = records.filter((r, i) => records.indexOf(r) !== i);
        expect(again.filter((r) => !uncommitted.has(r))).toEqual([]);
      } finally {
        await consumer?.disconnect();
        await producer.disconnect();
        await admin.disconnect();
      }
    },
    TIMEOUT_MS,
  );
});

describe('__consumer_offsets creation in a cluster', () => {
  let cluster: TestCluster | undefined;

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'is refused while fewer brokers are live than offsets.topic.replication.factor (COORDINATOR_NOT_AVAILABLE), and made once they are',
    async () => {
      cluster = await TestCluster.start(2, { offsetsTopicNumPartitions: 4 });
      const port = cluster.members.get(1)!.broker.port;
      const refused = await findCoordinator(port);
      expect(refused).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
      expect(refused.errorMessage).toMatch(
        /__consumer_offsets could not be created: .*replication factor 3 \(offsets\.topic\.replication\.factor\) is more than the 2 live broker\(s\)/,
      );
      const notCreated = await withClient(port, (c) =>
        c.request(Metadata, 9, {
          topics: [{ name: OFFSETS_TOPIC }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      );
      expect(notCreated.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      await cluster.startBroker(3);
      const found = await eventually(async () => {
        const answer = await findCoordinator(port);
        expect(answer.errorCode).toBe(ErrorCode.NONE);
        return answer;
      });
      const partition = await offsetsPartition(port);
      expect(partition).toMatchObject({ isInternal: true, partitions: 4, leaderId: found.nodeId });
      expect([...partition.replicaNodes].sort()).toEqual([1, 2, 3]);
    },
    TIMEOUT_MS,
  );
});
