import { ErrorCode, KafkaError } from '@runnel/protocol';
import {
  AssignerProtocol,
  Kafka,
  type Admin as KafkaJSAdmin,
  type Consumer as KafkaJSConsumer,
  type Producer as KafkaJSProducer,
  logLevel,
} from 'kafkajs';
import type { Admin } from '../src/admin/admin.js';
import { RunnelError } from '../src/errors/runnel-error.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const TOPIC = 'admin-groups';
const GROUP = 'admin-group';

describe('Admin: consumer groups and their offsets (a kafkajs consumer as the member, kafkajs admin as the oracle)', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let oracle: KafkaJSAdmin;
  let producer: KafkaJSProducer;
  let consumer: KafkaJSConsumer | undefined;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Runnel({ clientId: 'admin-groups-spec', brokers: [broker.bootstrap] }).admin({
      retryBackoffMs: 10,
    });
    kafka = new Kafka({ clientId: 'oracle', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    oracle = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), oracle.connect(), producer.connect()]);
    await admin.createTopics({
      topics: [
        { topic: TOPIC, numPartitions: 3 },
        { topic: 'admin-group-times', numPartitions: 1 },
      ],
    });
    // Partition 0 gets 4 records, partitions 1 and 2 get 3 each.
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 3, value: `record ${i}` })),
    });
    await producer.send({
      topic: 'admin-group-times',
      messages: [0, 1, 2, 3].map((i) => ({
        value: `t${i}`,
        timestamp: String(1_700_000_000_000 + i * 1000),
      })),
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await Promise.all([admin?.disconnect(), oracle?.disconnect(), producer?.disconnect()]);
    await broker?.close();
  });

  async function committed(topic = TOPIC): Promise<bigint[]> {
    const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [topic] });
    return offsets?.partitions.map((p) => p.offset) ?? [];
  }

  async function oracleCommitted(topic = TOPIC): Promise<bigint[]> {
    const [offsets] = await oracle.fetchOffsets({ groupId: GROUP, topics: [topic] });
    return [...(offsets?.partitions ?? [])]
      .sort((a, b) => a.partition - b.partition)
      .map((p) => BigInt(p.offset));
  }

  it('sees an active group as kafkajs does: listed, described with its decoded assignment, offsets with lag', async () => {
    consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const joined = new Promise((resolve) => consumer?.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await joined;
    await consumer.commitOffsets([
      { topic: TOPIC, partition: 0, offset: '2' },
      { topic: TOPIC, partition: 1, offset: '1' },
    ]);

    const ours = await admin.listGroups();
    expect(ours.groups).toContainEqual({ groupId: GROUP, protocolType: 'consumer' });
    const theirList = await oracle.listGroups();
    expect(new Set(ours.groups.map((g) => g.groupId))).toEqual(
      new Set(theirList.groups.map((g) => g.groupId)),
    );

    const { groups } = await admin.describeGroups([GROUP]);
    const group = groups[0];
    expect(group).toMatchObject({ groupId: GROUP, state: 'Stable', protocolType: 'consumer' });
    expect(group?.members).toHaveLength(1);
    expect(group?.members[0]?.assignment).toEqual([{ topic: TOPIC, partitions: [0, 1, 2] }]);
    const theirs = (await oracle.describeGroups([GROUP])).groups[0];
    expect({ state: group?.state, protocol: group?.protocol }).toEqual({
      state: theirs?.state,
      protocol: theirs?.protocol,
    });
    const theirMember = theirs?.members[0];
    expect(group?.members[0]).toMatchObject({
      memberId: theirMember?.memberId,
      clientId: theirMember?.clientId,
      clientHost: theirMember?.clientHost,
    });
    const decodedByKafkajs = AssignerProtocol.MemberAssignment.decode(
      theirMember?.memberAssignment as Buffer,
    );
    expect(
      Object.fromEntries(group?.members[0]?.assignment?.map((a) => [a.topic, a.partitions]) ?? []),
    ).toEqual(decodedByKafkajs?.assignment);

    // A commit without metadata reads back as '' (Kafka's OffsetAndMetadata.NO_METADATA).
    const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(offsets).toEqual({
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: 2n, metadata: '', logEndOffset: 4n, lag: 2n },
        { partition: 1, offset: 1n, metadata: '', logEndOffset: 3n, lag: 2n },
        { partition: 2, offset: -1n, metadata: '', logEndOffset: 3n, lag: null },
      ],
    });
    expect(await committed()).toEqual(await oracleCommitted());
    // Commits created __consumer_offsets; both list it, as kafkajs lists internal topics too.
    const topics = await admin.listTopics();
    expect(topics).toContain('__consumer_offsets');
    expect([...topics].sort()).toEqual([...(await oracle.listTopics())].sort());

    const all = await admin.fetchOffsets({ groupId: GROUP });
    expect(all.map((t) => [t.topic, t.partitions.map((p) => p.partition)])).toEqual([[TOPIC, [0, 1]]]);
  });

  it('refuses to move the offsets of a group that has members, naming the group and its state', async () => {
    const error = await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true }).catch((e) => e);
    expect(error).toBeInstanceOf(RunnelError);
    expect(error.message).toContain("group 'admin-group' is Stable with 1 member(s)");
    expect(await committed()).toEqual([2n, 1n, -1n]);
  });

  it('resets and sets the offsets of a group without members, as kafkajs reads them back', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    expect((await admin.describeGroups([GROUP])).groups[0]?.state).toBe('Empty');

    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true });
    expect(await committed()).toEqual([0n, 0n, 0n]);
    expect(await oracleCommitted()).toEqual([0n, 0n, 0n]);

    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC });
    expect(await committed()).toEqual([4n, 3n, 3n]);

    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 1, offset: 2n }] });
    expect(await committed()).toEqual([4n, 2n, 3n]);
    expect(await oracleCommitted()).toEqual([4n, 2n, 3n]);
    const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(offsets?.partitions.map((p) => p.lag)).toEqual([0n, 1n, 0n]);

    await admin.resetOffsets({ groupId: GROUP, topic: 'admin-group-times', timestamp: 1_700_000_001_500 });
    expect(await committed('admin-group-times')).toEqual([2n]);
    await admin.resetOffsets({ groupId: GROUP, topic: 'admin-group-times', timestamp: 1_800_000_000_000 });
    expect(await committed('admin-group-times')).toEqual([4n]);
  });

  it('deletes a group without members, and names a group that does not exist', async () => {
    expect(await admin.deleteGroups([GROUP])).toEqual([{ groupId: GROUP }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(GROUP);
    expect((await admin.describeGroups([GROUP])).groups[0]?.state).toBe('Dead');
    expect(await oracleCommitted()).toEqual([-1n, -1n, -1n]);

    const error = await admin.deleteGroups(['admin-never']).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.code).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(error.message).toContain("group 'admin-never': GROUP_ID_NOT_FOUND");
  });
});
