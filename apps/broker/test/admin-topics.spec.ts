import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePartitions, CreateTopics, DeleteTopics, ErrorCode, Metadata } from '@runnel/protocol';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const topic = (name: string, numPartitions = 1, configs: { name: string; value: string | null }[] = []) => ({
  name,
  numPartitions,
  replicationFactor: 1,
  assignments: [],
  configs,
});

describe('topic administration', () => {
  let broker: RunningBroker;
  let admin: Admin;
  let client: RawClient;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-admin-topics-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      numPartitions: 2,
      autoCreateTopicsEnable: false,
      logger: false,
    });
    admin = new Kafka({
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await admin.connect();
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await admin.disconnect();
    await broker.close();
  });

  describe('CreateTopics', () => {
    it('creates topics with kafkajs, with partition counts and configs, and lists them', async () => {
      await expect(
        admin.createTopics({
          topics: [
            { topic: 'orders', numPartitions: 3 },
            { topic: 'payments', configEntries: [{ name: 'retention.ms', value: '3600000' }] },
          ],
        }),
      ).resolves.toBe(true);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['orders', 'payments']));
      const { topics } = await admin.fetchTopicMetadata({ topics: ['orders', 'payments'] });
      const partitions = Object.fromEntries(
        topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])]),
      );
      expect(partitions).toEqual({
        orders: [
          [0, 1, [1], [1]],
          [1, 1, [1], [1]],
          [2, 1, [1], [1]],
        ],
        // No count given: the broker's num.partitions.
        payments: [
          [0, 1, [1], [1]],
          [1, 1, [1], [1]],
        ],
      });
    });

    it('answers false from kafkajs when the topic already exists', async () => {
      await admin.createTopics({ topics: [{ topic: 'twice' }] });
      await expect(admin.createTopics({ topics: [{ topic: 'twice' }] })).resolves.toBe(false);
    });

    it('checks without creating when validateOnly is set', async () => {
      await expect(
        admin.createTopics({
          topics: [{ topic: 'dry-run', numPartitions: 4 }],
          validateOnly: true,
          waitForLeaders: false,
        }),
      ).resolves.toBe(true);
      expect(await admin.listTopics()).not.toContain('dry-run');
      const refused = await client.request(CreateTopics, 1, {
        topics: [topic('dry-run-bad', 1, [{ name: 'segment.bytes', value: 'big' }])],
        timeoutMs: 1000,
        validateOnly: true,
      });
      expect(refused.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG });
    });

    it('refuses bad names and bad configs through kafkajs, creating the good topics of the same request', async () => {
      const failure = await admin
        .createTopics({
          topics: [
            { topic: 'bad/name' },
            { topic: 'bad-config', configEntries: [{ name: 'retention.bytez', value: '1' }] },
            { topic: 'good-neighbour' },
          ],
        })
        .catch((err: { errors: { type: string; topic: string }[] }) => err);
      expect(
        (failure as { errors: { type: string; topic: string }[] }).errors.map((e) => [e.topic, e.type]),
      ).toEqual([
        ['bad-config', 'INVALID_CONFIG'],
        ['bad/name', 'INVALID_TOPIC_EXCEPTION'],
      ]);
      expect(await admin.listTopics()).toContain('good-neighbour');
    });

    it('answers every topic on its own with a message naming the value', async () => {
      const response = await client.request(CreateTopics, 4, {
        topics: [
          topic('many-partitions', 1_000_000),
          topic('no-partitions', 0),
          { ...topic('replicated', 1), replicationFactor: 3 },
          topic('negative-retention', 1, [{ name: 'retention.ms', value: '-5' }]),
          topic('null-config', 1, [{ name: 'segment.ms', value: null }]),
          topic('orders'),
          topic('x'.repeat(250)),
          topic('defaults', -1),
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.topics.map((t) => [t.name.slice(0, 20), t.errorCode, t.errorMessage])).toEqual([
        [
          'many-partitions',
          ErrorCode.INVALID_PARTITIONS,
          "Number of partitions 1000000 for topic 'many-partitions' is above this broker's limit of 10000.",
        ],
        [
          'no-partitions',
          ErrorCode.INVALID_PARTITIONS,
          "Number of partitions must be larger than 0 (topic 'no-partitions' asked for 0).",
        ],
        [
          'replicated',
          ErrorCode.INVALID_REPLICATION_FACTOR,
          'Replication factor: 3 larger than available brokers: 1.',
        ],
        [
          'negative-retention',
          ErrorCode.INVALID_CONFIG,
          expect.stringMatching(/^Invalid value -5 for configuration retention.ms: /),
        ],
        ['null-config', ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: segment.ms'],
        ['orders', ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists."],
        ['x'.repeat(20), ErrorCode.INVALID_TOPIC_EXCEPTION, expect.stringContaining('it must be 1 to 249')],
        ['defaults', ErrorCode.NONE, null],
      ]);
      const metadata = await client.request(Metadata, 4, {
        topics: [{ name: 'defaults' }],
        allowAutoTopicCreation: false,
      });
      expect(metadata.topics[0]!.partitions).toHaveLength(2);
    });

    it('refuses every entry of a name given twice, creating none of them', async () => {
      const response = await client.request(CreateTopics, 2, {
        topics: [topic('doubled'), topic('single'), topic('doubled', 3)],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
        ['doubled', ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'],
        ['single', ErrorCode.NONE, null],
        ['doubled', ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'],
      ]);
      expect(await admin.listTopics()).not.toContain('doubled');
    });

    it('accepts a manual assignment to this broker only', async () => {
      const assigned = (name: string, brokerIds: number[][]) => ({
        name,
        numPartitions: -1,
        replicationFactor: -1,
        assignments: brokerIds.map((ids, partitionIndex) => ({ partitionIndex, brokerIds: ids })),
        configs: [],
      });
      const response = await client.request(CreateTopics, 3, {
        topics: [
          assigned('placed', [[1], [1]]),
          assigned('placed-elsewhere', [[1], [2]]),
          assigned('placed-twice', [[1, 1]]),
          { ...assigned('placed-and-counted', [[1]]), numPartitions: 1 },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
        ['placed', ErrorCode.NONE, null],
        [
          'placed-elsewhere',
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'The manual partition assignment of partition 1 includes broker 2, but the only broker is 1.',
        ],
        [
          'placed-twice',
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'The manual partition assignment of partition 0 includes broker 1 more than once.',
        ],
        [
          'placed-and-counted',
          ErrorCode.INVALID_REQUEST,
          expect.stringContaining('Both cannot be used at the same time'),
        ],
      ]);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['placed'] });
      expect(topics[0]!.partitions).toHaveLength(2);
    });

    it('answers v0, which has no error messages, with the codes alone', async () => {
      const response = await client.request(CreateTopics, 0, {
        topics: [topic('orders'), topic('v0-topic')],
        timeoutMs: 1000,
      });
      expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
        ['orders', ErrorCode.TOPIC_ALREADY_EXISTS],
        ['v0-topic', ErrorCode.NONE],
      ]);
    });
  });

  describe('CreatePartitions', () => {
    it('grows a topic through kafkajs', async () => {
      await admin.createTopics({ topics: [{ topic: 'growing', numPartitions: 1 }] });
      await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 4 }] });
      const { topics } = await admin.fetchTopicMetadata({ topics: ['growing'] });
      expect(topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    });

    it('refuses counts that do not grow, unknown topics, foreign assignments and duplicates', async () => {
      await admin.createTopics({ topics: [{ topic: 'fixed', numPartitions: 2 }] });
      const response = await client.request(CreatePartitions, 1, {
        topics: [
          { name: 'fixed', count: 2, assignments: null },
          { name: 'fixed-missing', count: 2, assignments: null },
          { name: 'orders', count: 1, assignments: null },
          { name: 'growing', count: 6, assignments: [{ brokerIds: [1] }] },
          { name: 'payments', count: 3, assignments: [{ brokerIds: [7] }] },
          { name: 'twin', count: 2, assignments: null },
          { name: 'twin', count: 3, assignments: null },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
        ['fixed', ErrorCode.INVALID_PARTITIONS, 'Topic already has 2 partitions.'],
        ['fixed-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'fixed-missing' does not exist."],
        [
          'orders',
          ErrorCode.INVALID_PARTITIONS,
          'Topic currently has 3 partitions, which is higher than the requested 1.',
        ],
        [
          'growing',
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'Increasing the number of partitions by 2 but 1 assignments provided.',
        ],
        [
          'payments',
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'The manual partition assignment of partition 2 includes broker 7, but the only broker is 1.',
        ],
        ['twin', ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
        ['twin', ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
      ]);
    });

    it('checks without growing when validateOnly is set, and places new partitions on this broker', async () => {
      await admin.createTopics({ topics: [{ topic: 'placed-growth', numPartitions: 1 }] });
      const validated = await client.request(CreatePartitions, 0, {
        topics: [{ name: 'placed-growth', count: 3, assignments: null }],
        timeoutMs: 1000,
        validateOnly: true,
      });
      expect(validated.results[0]!.errorCode).toBe(ErrorCode.NONE);
      const placed = await client.request(CreatePartitions, 0, {
        topics: [{ name: 'placed-growth', count: 2, assignments: [{ brokerIds: [1] }] }],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(placed.results[0]!.errorCode).toBe(ErrorCode.NONE);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['placed-growth'] });
      expect(topics[0]!.partitions).toHaveLength(2);
    });
  });

  describe('DeleteTopics', () => {
    it('deletes topics through kafkajs, so they are no longer listed and can be created again', async () => {
      await admin.createTopics({ topics: [{ topic: 'short-lived', numPartitions: 3 }] });
      await admin.deleteTopics({ topics: ['short-lived'] });
      expect(await admin.listTopics()).not.toContain('short-lived');
      await admin.createTopics({ topics: [{ topic: 'short-lived', numPartitions: 1 }] });
      const { topics } = await admin.fetchTopicMetadata({ topics: ['short-lived'] });
      expect(topics[0]!.partitions).toHaveLength(1);
    });

    it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic and refuses internal topics', async () => {
      await client.request(CreateTopics, 4, {
        topics: [topic('__consumer_offsets', 1)],
        timeoutMs: 1000,
        validateOnly: false,
      });
      const response = await client.request(DeleteTopics, 3, {
        topicNames: ['never-created', '__consumer_offsets', 'payments'],
        timeoutMs: 1000,
      });
      expect(response.responses).toEqual([
        { name: 'never-created', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
        { name: '__consumer_offsets', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION },
        { name: 'payments', errorCode: ErrorCode.NONE },
      ]);
      const metadata = await client.request(Metadata, 1, { topics: null });
      const names = metadata.topics.map((t) => [t.name, t.isInternal]);
      expect(names).toContainEqual(['__consumer_offsets', true]);
      expect(names.map(([name]) => name)).not.toContain('payments');
    });
  });
});

describe('topic deletion switched off (delete.topic.enable=false)', () => {
  it('refuses DeleteTopics with TOPIC_DELETION_DISABLED, or INVALID_REQUEST before v3', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-admin-no-delete-'));
    const broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      deleteTopicEnable: false,
      logger: false,
    });
    const client = await RawClient.connect(broker.port);
    try {
      await client.request(CreateTopics, 4, {
        topics: [topic('kept')],
        timeoutMs: 1000,
        validateOnly: false,
      });
      const v3 = await client.request(DeleteTopics, 3, { topicNames: ['kept'], timeoutMs: 1000 });
      const v2 = await client.request(DeleteTopics, 2, { topicNames: ['kept'], timeoutMs: 1000 });
      expect(v3.responses).toEqual([{ name: 'kept', errorCode: ErrorCode.TOPIC_DELETION_DISABLED }]);
      expect(v2.responses).toEqual([{ name: 'kept', errorCode: ErrorCode.INVALID_REQUEST }]);
      const metadata = await client.request(Metadata, 4, {
        topics: [{ name: 'kept' }],
        allowAutoTopicCreation: false,
      });
      expect(metadata.topics[0]!.errorCode).toBe(ErrorCode.NONE);
    } finally {
      client.close();
      await broker.close();
    }
  });
});
