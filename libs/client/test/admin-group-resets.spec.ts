import { Kafka, type Admin as KafkaJSAdmin, logLevel } from 'kafkajs';
import type { Admin } from '../src/admin/admin.js';
import { ErrorCode, KafkaError, RunnelError } from '../src/index.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const TOPIC = 'resets';

describe('Admin: offset resets with a dry run, and offsets of deleted topics (kafkajs admin as the oracle)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let oracle: KafkaJSAdmin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Runnel({ clientId: 'admin-resets-spec', brokers: [broker.bootstrap] }).admin({
      retryBackoffMs: 10,
    });
    const kafka = new Kafka({ clientId: 'oracle', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    oracle = kafka.admin();
    await Promise.all([admin.connect(), oracle.connect()]);
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    // Partition 0 holds offsets 0-5, partition 1 offsets 0-1; then partition 0 starts at 2.
    await producer.send({
      topic: TOPIC,
      messages: [0, 0, 0, 0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `r${i}` })),
    });
    await producer.disconnect();
    await admin.deleteRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: 2n }] });
  });
  afterAll(async () => {
    await Promise.all([admin?.disconnect(), oracle?.disconnect()]);
    await broker?.close();
  });

  const oracleCommitted = async (groupId: string) => {
    const [offsets] = await oracle.fetchOffsets({ groupId, topics: [TOPIC] });
    return [...(offsets?.partitions ?? [])].sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  };

  it('a dry run says where each partition would move and commits nothing', async () => {
    await admin.setOffsets({ groupId: 'dry', topic: TOPIC, partitions: [{ partition: 0, offset: 3n }] });
    const plan = await admin.resetOffsets({ groupId: 'dry', topic: TOPIC, earliest: true, dryRun: true });
    expect(plan).toEqual({
      topic: TOPIC,
      partitions: [
        { partition: 0, currentOffset: 3n, offset: 2n },
        { partition: 1, currentOffset: -1n, offset: 0n },
      ],
    });
    expect(await oracleCommitted('dry')).toEqual(['3', '-1']);
  });

  it('the same reset without dryRun commits exactly the offsets the dry run gave', async () => {
    const dry = await admin.resetOffsets({ groupId: 'dry', topic: TOPIC, dryRun: true });
    const done = await admin.resetOffsets({ groupId: 'dry', topic: TOPIC });
    expect(done).toEqual(dry);
    expect(done.partitions.map((p) => p.offset)).toEqual([6n, 2n]);
    expect(await oracleCommitted('dry')).toEqual(['6', '2']);
  });

  it('an offset outside a partition moves to its nearer end, as kafka-consumer-groups --to-offset', async () => {
    const below = await admin.resetOffsets({ groupId: 'to-offset', topic: TOPIC, offset: 1 });
    expect(below.partitions.map((p) => p.offset)).toEqual([2n, 1n]);
    const above = await admin.resetOffsets({ groupId: 'to-offset', topic: TOPIC, offset: '5' });
    expect(above.partitions.map((p) => [p.currentOffset, p.offset])).toEqual([
      [2n, 5n],
      [1n, 2n],
    ]);
    expect(await oracleCommitted('to-offset')).toEqual(['5', '2']);
  });

  it('refuses two targets at once, and a dry run of a group with members, naming the group', async () => {
    await expect(
      admin.resetOffsets({ groupId: 'dry', topic: TOPIC, earliest: true, offset: 1n }),
    ).rejects.toThrow('resetOffsets: give at most one of earliest, timestamp and offset');
    const consumer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: 'busy',
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.subscribe({ topic: TOPIC });
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    try {
      const error = await admin.resetOffsets({ groupId: 'busy', topic: TOPIC, dryRun: true }).catch((e) => e);
      expect(error).toBeInstanceOf(RunnelError);
      expect(error.message).toContain("resetOffsets: group 'busy' is Stable with 1 member(s)");
    } finally {
      await consumer.disconnect();
    }
  });

  it("fetchOffsets keeps a deleted topic's committed offsets, its end unknown (-1n) and lag null", async () => {
    await admin.createTopics({ topics: [{ topic: 'dropped', numPartitions: 1 }] });
    await admin.setOffsets({ groupId: 'orphan', topic: TOPIC, partitions: [{ partition: 1, offset: 1n }] });
    await admin.setOffsets({
      groupId: 'orphan',
      topic: 'dropped',
      partitions: [{ partition: 0, offset: 0n }],
    });
    await admin.deleteTopics({ topics: ['dropped'] });
    const offsets = await admin.fetchOffsets({ groupId: 'orphan' });
    expect(offsets.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      {
        topic: 'dropped',
        partitions: [{ partition: 0, offset: 0n, metadata: '', logEndOffset: -1n, lag: null }],
      },
      { topic: TOPIC, partitions: [{ partition: 1, offset: 1n, metadata: '', logEndOffset: 2n, lag: 1n }] },
    ]);
  });

  it('@runnel/client exports KafkaError and ErrorCode, so broker errors are told apart by class', async () => {
    const error = await admin.deleteGroups(['never-there']).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.code).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});
