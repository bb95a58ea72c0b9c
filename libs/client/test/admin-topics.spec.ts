import { ErrorCode, KafkaError } from '@runnel/protocol';
import {
  ConfigResourceTypes,
  Kafka,
  type Admin as KafkaJSAdmin,
  type Producer as KafkaJSProducer,
  logLevel,
} from 'kafkajs';
import type { Admin } from '../src/admin/admin.js';
import { TopicNotFoundError } from '../src/admin/admin-context.js';
import { AdminAggregateError } from '../src/admin/admin-errors.js';
import { ConfigResourceType, ConfigSource } from '../src/admin/admin-types.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

describe('Admin: topics, partitions, offsets, records and configs (kafkajs as the oracle)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let oracle: KafkaJSAdmin;
  let producer: KafkaJSProducer;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Runnel({ clientId: 'admin-spec', brokers: [broker.bootstrap] }).admin({ retryBackoffMs: 10 });
    await admin.connect();
    const kafka = new Kafka({ clientId: 'oracle', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    oracle = kafka.admin();
    producer = kafka.producer();
    await Promise.all([oracle.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin?.disconnect(), oracle?.disconnect(), producer?.disconnect()]);
    await broker?.close();
  });

  it('creates topics with partitions and configs, and reports false for topics that already exist', async () => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'admin-created',
          numPartitions: 3,
          configEntries: [{ name: 'retention.ms', value: '3600000' }],
        },
        { topic: 'admin-created-2', numPartitions: 1, replicationFactor: 1 },
      ],
    });
    expect(created).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin-created', numPartitions: 3 }] })).toBe(false);

    const ours = await admin.describeTopics({ topics: ['admin-created'] });
    const theirs = await oracle.fetchTopicMetadata({ topics: ['admin-created'] });
    const theirPartitions = theirs.topics[0]?.partitions ?? [];
    expect(
      ours.topics[0]?.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    ).toEqual(
      [...theirPartitions]
        .sort((a, b) => a.partitionId - b.partitionId)
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })),
    );
    expect(ours.topics[0]?.partitions).toHaveLength(3);
    expect(ours.topics[0]?.partitions.every((p) => p.earliestOffset === 0n && p.latestOffset === 0n)).toBe(
      true,
    );
  });

  it('validates a creation without creating anything when validateOnly is set', async () => {
    expect(
      await admin.createTopics({
        topics: [{ topic: 'admin-validated', numPartitions: 2 }],
        validateOnly: true,
      }),
    ).toBe(true);
    expect(await admin.listTopics()).not.toContain('admin-validated');
    const refused = await admin
      .createTopics({ topics: [{ topic: 'admin-validated', numPartitions: -7 }], validateOnly: true })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(KafkaError);
    expect(refused.message).toContain("topic 'admin-validated': INVALID_PARTITIONS");
  });

  it('names the topic in a creation error, and every topic when several fail', async () => {
    const one = await admin
      .createTopics({ topics: [{ topic: 'admin-bad', numPartitions: 0 }] })
      .catch((e) => e);
    expect(one).toBeInstanceOf(KafkaError);
    expect(one.code).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(one.message).toContain("topic 'admin-bad': INVALID_PARTITIONS (37)");

    const both = await admin
      .createTopics({
        topics: [
          { topic: 'admin-bad-1', numPartitions: 0 },
          {
            topic: 'admin-bad-2',
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'shred' }],
          },
        ],
      })
      .catch((e) => e);
    expect(both).toBeInstanceOf(AdminAggregateError);
    expect(both.errors.map((e: Error) => e.message.split(':')[0])).toEqual([
      "topic 'admin-bad-1'",
      "topic 'admin-bad-2'",
    ]);
    expect(await admin.listTopics()).not.toContain('admin-bad-2');
  });

  it('describes the cluster as kafkajs does', async () => {
    const ours = await admin.describeCluster();
    const theirs = await oracle.describeCluster();
    expect(ours.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }))).toEqual(theirs.brokers);
    expect(ours.controller).toBe(theirs.controller);
    expect(ours.clusterId).toBe(theirs.clusterId);
    expect(ours.brokers[0]?.port).toBe(broker.broker.port);
  });

  it('lists the same topics as kafkajs', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-listed', numPartitions: 1 }] });
    const ours = await admin.listTopics();
    expect(ours).toContain('admin-listed');
    expect([...ours].sort()).toEqual([...(await oracle.listTopics())].sort());
  });

  it('reports earliest and latest offsets as kafkajs does, before and after deleting records', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-offsets', numPartitions: 3 }] });
    await producer.send({
      topic: 'admin-offsets',
      messages: [0, 0, 0, 0, 1, 1, 2].map((partition, i) => ({ partition, value: `record ${i}` })),
    });
    const expected = [
      { partition: 0, offset: 4n, high: 4n, low: 0n },
      { partition: 1, offset: 2n, high: 2n, low: 0n },
      { partition: 2, offset: 1n, high: 1n, low: 0n },
    ];
    const asBigints = async () =>
      (await oracle.fetchTopicOffsets('admin-offsets'))
        .map((p) => ({
          partition: p.partition,
          offset: BigInt(p.offset),
          high: BigInt(p.high),
          low: BigInt(p.low),
        }))
        .sort((a, b) => a.partition - b.partition);
    expect(await admin.fetchTopicOffsets('admin-offsets')).toEqual(expected);
    expect(await asBigints()).toEqual(expected);

    const lows = await admin.deleteRecords({
      topic: 'admin-offsets',
      partitions: [
        { partition: 0, offset: 3n },
        { partition: 1, offset: -1n },
      ],
    });
    expect(lows).toEqual([
      { partition: 0, offset: 3n },
      { partition: 1, offset: 2n },
    ]);
    const after = await admin.fetchTopicOffsets('admin-offsets');
    expect(after.map((p) => p.low)).toEqual([3n, 2n, 0n]);
    expect(after).toEqual(await asBigints());
    const described = await admin.describeTopics({ topics: ['admin-offsets'] });
    expect(described.topics[0]?.partitions.map((p) => [p.earliestOffset, p.latestOffset])).toEqual([
      [3n, 4n],
      [2n, 2n],
      [0n, 1n],
    ]);
  });

  it('refuses to delete records past the high watermark, naming the partition and the offset', async () => {
    const error = await admin
      .deleteRecords({ topic: 'admin-offsets', partitions: [{ partition: 2, offset: 10n }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(error.message).toContain("topic 'admin-offsets' partition 2 offset 10: OFFSET_OUT_OF_RANGE");
  });

  it('finds offsets by timestamp as kafkajs does, and the high watermark past the last record', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-times', numPartitions: 2 }] });
    const base = 1_700_000_000_000;
    await producer.send({
      topic: 'admin-times',
      messages: [0, 1, 2, 3].flatMap((i) => [
        { partition: 0, value: `p0-${i}`, timestamp: String(base + i * 1000) },
        { partition: 1, value: `p1-${i}`, timestamp: String(base + i * 2000) },
      ]),
    });
    const at = base + 2500;
    const ours = await admin.fetchTopicOffsetsByTimestamp('admin-times', at);
    expect(ours).toEqual([
      { partition: 0, offset: 3n },
      { partition: 1, offset: 2n },
    ]);
    const theirs = await oracle.fetchTopicOffsetsByTimestamp('admin-times', at);
    expect(ours).toEqual(
      theirs
        .map((p) => ({ partition: p.partition, offset: BigInt(p.offset) }))
        .sort((a, b) => a.partition - b.partition),
    );
    expect(await admin.fetchTopicOffsetsByTimestamp('admin-times', base + 60_000)).toEqual([
      { partition: 0, offset: 4n },
      { partition: 1, offset: 4n },
    ]);
  });

  it('adds partitions, and names the topic when the count does not grow', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-grow', numPartitions: 2 }] });
    expect(await admin.createPartitions({ topicPartitions: [{ topic: 'admin-grow', count: 5 }] })).toBe(true);
    const described = await admin.describeTopics({ topics: ['admin-grow'] });
    expect(described.topics[0]?.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    expect((await oracle.fetchTopicMetadata({ topics: ['admin-grow'] })).topics[0]?.partitions).toHaveLength(
      5,
    );

    const error = await admin
      .createPartitions({ topicPartitions: [{ topic: 'admin-grow', count: 3 }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.code).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(error.message).toContain("topic 'admin-grow': INVALID_PARTITIONS");
  });

  it('deletes topics, and names a topic that does not exist', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-doomed', numPartitions: 1 }] });
    await admin.deleteTopics({ topics: ['admin-doomed'] });
    expect(await admin.listTopics()).not.toContain('admin-doomed');
    expect(await oracle.listTopics()).not.toContain('admin-doomed');

    const error = await admin.deleteTopics({ topics: ['admin-never'] }).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(error.message).toContain("topic 'admin-never'");
  });

  it('describes a missing topic with a final TopicNotFoundError naming it', async () => {
    const error = await admin.describeTopics({ topics: ['admin-missing'] }).catch((e) => e);
    expect(error).toBeInstanceOf(TopicNotFoundError);
    expect(error.retriable).toBe(false);
    expect(error.message).toBe(
      "topic 'admin-missing': UNKNOWN_TOPIC_OR_PARTITION (3): This server does not host this topic-partition.",
    );
    expect(await admin.listTopics()).not.toContain('admin-missing');
  });

  it('describes topic and broker configs as kafkajs does', async () => {
    const ours = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceType.TOPIC,
          name: 'admin-created',
          configNames: ['retention.ms', 'cleanup.policy'],
        },
      ],
    });
    const entries = ours.resources[0]?.configEntries ?? [];
    const retention = entries.find((e) => e.configName === 'retention.ms');
    expect(retention).toMatchObject({
      configValue: '3600000',
      isDefault: false,
      configSource: ConfigSource.TOPIC_CONFIG,
    });
    expect(entries.find((e) => e.configName === 'cleanup.policy')).toMatchObject({
      configValue: 'delete',
      isDefault: true,
    });

    const theirs = await oracle.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'admin-created',
          configNames: ['retention.ms', 'cleanup.policy'],
        },
      ],
      includeSynonyms: false,
    });
    const pick = (
      list: { configName: string; configValue: string | null; isDefault: boolean; readOnly: boolean }[],
    ) =>
      list
        .map(({ configName, configValue, isDefault, readOnly }) => ({
          configName,
          configValue,
          isDefault,
          readOnly,
        }))
        .sort((a, b) => a.configName.localeCompare(b.configName));
    expect(pick(entries)).toEqual(pick(theirs.resources[0]?.configEntries ?? []));

    const brokerConfigs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceType.BROKER, name: '1' }],
    });
    expect(brokerConfigs.resources[0]?.resourceName).toBe('1');
    expect(brokerConfigs.resources[0]?.configEntries.length).toBeGreaterThan(0);
  });
});
