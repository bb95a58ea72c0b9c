import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeConfigs, ErrorCode } from '@runnel/protocol';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

/** DescribeConfigs' config_source values. */
const DYNAMIC_TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

describe('DescribeConfigs', () => {
  let broker: RunningBroker;
  let admin: Admin;
  let client: RawClient;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-describe-configs-'));
    // log.retention.ms is set in the broker's configuration; log.segment.bytes is left at its default.
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logRetentionMs: 86_400_000, logger: false });
    admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'configured',
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'cleanup.policy', value: 'compact' },
          ],
        },
      ],
    });
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await admin.disconnect();
    await broker.close();
  });

  it('describes every config of a topic with its value and source through kafkajs', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'configured' }],
      includeSynonyms: false,
    });
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatchObject({ errorCode: 0, resourceName: 'configured' });
    const entries = Object.fromEntries(
      resources[0]!.configEntries.map((e) => [
        e.configName,
        [e.configValue, e.configSource, e.readOnly, e.isSensitive],
      ]),
    );
    expect(entries).toEqual({
      'cleanup.policy': ['compact', DYNAMIC_TOPIC_CONFIG, false, false],
      'retention.ms': ['3600000', DYNAMIC_TOPIC_CONFIG, false, false],
      'retention.bytes': ['-1', DEFAULT_CONFIG, false, false],
      'segment.bytes': ['1073741824', DEFAULT_CONFIG, false, false],
      'segment.ms': ['604800000', DEFAULT_CONFIG, false, false],
      'max.message.bytes': ['1048588', DEFAULT_CONFIG, false, false],
      'delete.retention.ms': ['86400000', DEFAULT_CONFIG, false, false],
      'min.cleanable.dirty.ratio': ['0.5', DEFAULT_CONFIG, false, false],
    });
    expect(resources[0]!.configEntries.every((e) => e.configSynonyms.length === 0)).toBe(true);
  });

  it('lists synonyms when asked: the topic value, the broker setting, then the default', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'configured',
          configNames: ['retention.ms', 'segment.bytes'],
        },
      ],
      includeSynonyms: true,
    });
    expect(resources[0]!.configEntries).toEqual([
      expect.objectContaining({
        configName: 'retention.ms',
        configValue: '3600000',
        configSource: DYNAMIC_TOPIC_CONFIG,
        configSynonyms: [
          { configName: 'retention.ms', configValue: '3600000', configSource: DYNAMIC_TOPIC_CONFIG },
          { configName: 'log.retention.ms', configValue: '86400000', configSource: STATIC_BROKER_CONFIG },
          { configName: 'log.retention.ms', configValue: '604800000', configSource: DEFAULT_CONFIG },
        ],
      }),
      expect.objectContaining({
        configName: 'segment.bytes',
        configValue: '1073741824',
        configSource: DEFAULT_CONFIG,
        configSynonyms: [
          { configName: 'log.segment.bytes', configValue: '1073741824', configSource: DEFAULT_CONFIG },
        ],
      }),
    ]);
  });

  it('describes the broker by its node id, with the settings its configuration sets as static', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
      includeSynonyms: true,
    });
    const entries = Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries['num.partitions']).toMatchObject({
      configValue: '1',
      configSource: DEFAULT_CONFIG,
      readOnly: true,
      configSynonyms: [{ configName: 'num.partitions', configValue: '1', configSource: DEFAULT_CONFIG }],
    });
    expect(entries['auto.create.topics.enable']).toMatchObject({
      configValue: 'true',
      configSource: DEFAULT_CONFIG,
    });
    expect(entries['log.retention.ms']).toMatchObject({
      configValue: '86400000',
      configSource: STATIC_BROKER_CONFIG,
      configSynonyms: [
        { configName: 'log.retention.ms', configValue: '86400000', configSource: STATIC_BROKER_CONFIG },
        { configName: 'log.retention.ms', configValue: '604800000', configSource: DEFAULT_CONFIG },
      ],
    });
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining([
        'broker.id',
        'log.dirs',
        'log.retention.bytes',
        'log.segment.bytes',
        'log.cleanup.policy',
        'message.max.bytes',
        'socket.request.max.bytes',
      ]),
    );
  });

  it('says isDefault at v0: false for what the resource sets itself', async () => {
    const response = await client.request(DescribeConfigs, 0, {
      resources: [
        { resourceType: 2, resourceName: 'configured', configurationKeys: ['retention.ms', 'segment.bytes'] },
        { resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms', 'num.partitions'] },
      ],
    });
    expect(response.results.map((r) => r.configs.map((c) => [c.name, c.value, c.isDefault]))).toEqual([
      [
        ['retention.ms', '3600000', false],
        ['segment.bytes', '1073741824', true],
      ],
      [
        ['num.partitions', '1', true],
        ['log.retention.ms', '86400000', false],
      ],
    ]);
  });

  it('answers each resource on its own: unknown topics, bad names, other brokers and other resource types', async () => {
    const response = await client.request(DescribeConfigs, 2, {
      resources: [
        { resourceType: 2, resourceName: 'missing', configurationKeys: null },
        { resourceType: 2, resourceName: 'bad/name', configurationKeys: null },
        { resourceType: 4, resourceName: '2', configurationKeys: null },
        { resourceType: 4, resourceName: 'one', configurationKeys: null },
        { resourceType: 4, resourceName: '', configurationKeys: null },
        { resourceType: 3, resourceName: 'group', configurationKeys: null },
        { resourceType: 2, resourceName: 'configured', configurationKeys: ['no.such.config'] },
      ],
      includeSynonyms: false,
    });
    expect(
      response.results.map((r) => [r.resourceType, r.resourceName, r.errorCode, r.errorMessage, r.configs]),
    ).toEqual([
      [2, 'missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'missing' does not exist.", []],
      [2, 'bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, expect.stringContaining('bad/name'), []],
      [
        4,
        '2',
        ErrorCode.INVALID_REQUEST,
        'Unexpected broker id, expected 1 or empty string, but received 2',
        [],
      ],
      [4, 'one', ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: one', []],
      // The cluster-wide dynamic defaults: there are none on this broker.
      [4, '', ErrorCode.NONE, null, []],
      [3, 'group', ErrorCode.INVALID_REQUEST, expect.stringContaining('Unsupported resource type 3'), []],
      [2, 'configured', ErrorCode.NONE, null, []],
    ]);
  });
});
