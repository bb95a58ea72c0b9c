import { ErrorCode, KafkaError } from '@runnel/protocol';
import { ConfigResourceTypes, Kafka, type Admin as KafkaJSAdmin, logLevel } from 'kafkajs';
import type { Admin } from '../src/admin/admin.js';
import { AdminAggregateError } from '../src/admin/admin-errors.js';
import { ConfigSource } from '../src/admin/admin-types.js';
import type { ConfigOperation } from '../src/admin/alter-configs-admin.js';
import { RunnelError } from '../src/errors/runnel-error.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

describe('Admin.incrementalAlterConfigs (kafkajs describes the result)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let oracle: KafkaJSAdmin;

  const topicConfigs = async (topic: string) => {
    const { resources } = await oracle.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]),
    );
  };

  beforeAll(async () => {
    broker = await startTestBroker({ autoCreateTopicsEnable: false });
    admin = new Runnel({ clientId: 'alter-configs-spec', brokers: [broker.bootstrap] }).admin({
      retryBackoffMs: 10,
    });
    await admin.connect();
    oracle = new Kafka({
      clientId: 'oracle',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await oracle.connect();
    await admin.createTopics({
      topics: [
        { topic: 'orders', configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        { topic: 'payments' },
      ],
    });
  });

  afterAll(async () => {
    await Promise.all([admin?.disconnect(), oracle?.disconnect()]);
    await broker?.close();
  });

  it('sets and deletes only the configs named, leaving the others as they are', async () => {
    const result = await admin.incrementalAlterConfigs({
      resources: [
        {
          type: 'topic',
          name: 'orders',
          configs: [
            { name: 'segment.bytes', value: '1048576' },
            { name: 'cleanup.policy', value: 'compact', operation: 'append' },
          ],
        },
        {
          type: 'topic',
          name: 'payments',
          configs: [{ name: 'retention.ms', value: '60000', operation: 'set' }],
        },
      ],
    });
    expect(result.resources).toEqual([
      { resourceType: 2, resourceName: 'orders' },
      { resourceType: 2, resourceName: 'payments' },
    ]);
    expect(await topicConfigs('orders')).toMatchObject({
      'segment.bytes': ['1048576', ConfigSource.TOPIC_CONFIG],
      'cleanup.policy': ['delete,compact', ConfigSource.TOPIC_CONFIG],
      'retention.ms': ['3600000', ConfigSource.TOPIC_CONFIG],
    });
    expect((await topicConfigs('payments'))['retention.ms']).toEqual(['60000', ConfigSource.TOPIC_CONFIG]);

    await admin.incrementalAlterConfigs({
      resources: [
        { type: 'topic', name: 'orders', configs: [{ name: 'segment.bytes', operation: 'delete' }] },
      ],
    });
    expect((await topicConfigs('orders'))['segment.bytes']).toEqual([
      '1073741824',
      ConfigSource.DEFAULT_CONFIG,
    ]);
  });

  it('changes nothing with validateOnly', async () => {
    const before = await topicConfigs('payments');
    await admin.incrementalAlterConfigs({
      validateOnly: true,
      resources: [{ type: 'topic', name: 'payments', configs: [{ name: 'retention.ms', value: '1' }] }],
    });
    expect(await topicConfigs('payments')).toEqual(before);
  });

  it('throws a typed error naming the topic, the config, the value and the limit', async () => {
    const attempt = admin.incrementalAlterConfigs({
      resources: [{ type: 'topic', name: 'orders', configs: [{ name: 'segment.bytes', value: '10' }] }],
    });
    await expect(attempt).rejects.toBeInstanceOf(KafkaError);
    await expect(attempt).rejects.toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: expect.stringMatching(
        /^topic 'orders': INVALID_CONFIG \(40\): Invalid value 10 for configuration segment\.bytes: .*between 61 and 2147483647/,
      ),
    });
  });

  it('collects the failures of several resources, naming each', async () => {
    const attempt = admin.incrementalAlterConfigs({
      resources: [
        { type: 'topic', name: 'missing', configs: [{ name: 'retention.ms', value: '1' }] },
        {
          type: 'topic',
          name: 'orders',
          configs: [{ name: 'retention.ms', value: '1', operation: 'append' }],
        },
      ],
    });
    const error = (await attempt.catch((e: unknown) => e)) as AdminAggregateError;
    expect(error).toBeInstanceOf(AdminAggregateError);
    expect(error.errors.map((e) => [(e as KafkaError).code, e.message.split(':')[0]])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic 'missing'"],
      [ErrorCode.INVALID_CONFIG, "topic 'orders'"],
    ]);
    expect(error.errors[1]!.message).toContain(
      'Config value append is not allowed for config key: retention.ms',
    );
  });

  it('refuses bad arguments before sending anything, naming the field', async () => {
    await expect(admin.incrementalAlterConfigs({ resources: [] })).rejects.toBeInstanceOf(RunnelError);
    await expect(admin.incrementalAlterConfigs({ resources: [] })).rejects.toThrow(
      'incrementalAlterConfigs: resources must be a non-empty array',
    );
    await expect(
      admin.incrementalAlterConfigs({
        resources: [{ type: 'topic', name: 'orders', configs: [{ name: 'retention.ms' }] }],
      }),
    ).rejects.toThrow(
      "incrementalAlterConfigs: config 'retention.ms' of topic 'orders': operation 'set' needs a string value, but it is null",
    );
    await expect(
      admin.incrementalAlterConfigs({
        resources: [
          {
            type: 'topic',
            name: 'orders',
            configs: [{ name: 'retention.ms', value: '1', operation: 'replace' as ConfigOperation }],
          },
        ],
      }),
    ).rejects.toThrow(
      "incrementalAlterConfigs: config 'retention.ms' of topic 'orders': operation 'replace' must be one of set, delete, append, subtract",
    );
  });
});
