import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlterConfigs, ErrorCode } from '@runnel/protocol';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
} from '../src/security/authorization/acl.js';
import { DataDirAclDocument } from '../src/security/authorization/acl-document.js';
import { AclStore } from '../src/security/authorization/acl-store.js';
import { RawClient } from './support/raw-client.js';

/** DescribeConfigs' config_source values. */
const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;
const TOPIC = 2;
const BROKER = 4;

// kafkajs's admin.alterConfigs speaks AlterConfigs (key 33) v0-1; the raw client speaks v2 and
// reads the error messages kafkajs drops.
describe('AlterConfigs', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  let client: RawClient;

  const start = async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      autoCreateTopicsEnable: false,
      logger: false,
    });
    kafka = new Kafka({
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    admin = kafka.admin();
    await admin.connect();
    client = await RawClient.connect(broker.port);
  };
  const stop = async () => {
    client.close();
    await admin.disconnect();
    await broker.close();
  };

  /** kafkajs's admin.alterConfigs of one topic. */
  const replace = (topic: string, configEntries: { name: string; value: string }[], validateOnly = false) =>
    admin.alterConfigs({
      validateOnly,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }],
    });

  /** One topic's answer to a raw AlterConfigs at `version`. */
  const rawReplace = async (
    topic: string,
    configs: { name: string; value: string | null }[],
    { validateOnly = false, version = 2 } = {},
  ) => {
    const { responses } = await client.request(AlterConfigs, version, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs }],
      validateOnly,
    });
    expect(responses).toHaveLength(1);
    return responses[0]!;
  };

  /** The topic's configs as kafkajs's describeConfigs shows them: name to [value, source]. */
  const described = async (topic: string) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]),
    );
  };

  const storedConfigs = (topic: string) =>
    (
      JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as {
        topics: { name: string; configs: Record<string, string> }[];
      }
    ).topics.find((t) => t.name === topic)?.configs;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-alter-configs-'));
    await start();
    await admin.createTopics({
      topics: [
        { topic: 'orders', configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        { topic: 'live', numPartitions: 1 },
      ],
    });
  });
  afterAll(stop);

  it('replaces the whole set through kafkajs: a config set earlier and not named again returns to its default', async () => {
    const answer = await replace('orders', [
      { name: 'segment.bytes', value: '1048576' },
      { name: 'cleanup.policy', value: 'compact' },
    ]);
    expect(answer.resources).toEqual([
      { errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' },
    ]);
    expect(await described('orders')).toMatchObject({
      'segment.bytes': ['1048576', DYNAMIC_TOPIC_CONFIG],
      'cleanup.policy': ['compact', DYNAMIC_TOPIC_CONFIG],
      // Set at creation, not named: back to log.retention.ms.
      'retention.ms': ['604800000', DEFAULT_CONFIG],
    });
    expect(storedConfigs('orders')).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact' });

    await replace('orders', [{ name: 'retention.ms', value: '7200000' }]);
    expect(await described('orders')).toMatchObject({
      'retention.ms': ['7200000', DYNAMIC_TOPIC_CONFIG],
      'segment.bytes': ['1073741824', DEFAULT_CONFIG],
      'cleanup.policy': ['delete', DEFAULT_CONFIG],
    });

    // No configs at all: every config is the broker's default again.
    await replace('orders', []);
    const all = await described('orders');
    expect(Object.values(all).every(([, source]) => source === DEFAULT_CONFIG)).toBe(true);
    expect(storedConfigs('orders')).toEqual({});
  });

  it.each([0, 1, 2])('serves v%i and normalises values as CreateTopics does', async (version) => {
    expect(
      await rawReplace('orders', [{ name: 'cleanup.policy', value: 'delete, compact' }], { version }),
    ).toEqual({
      errorCode: 0,
      errorMessage: null,
      resourceType: TOPIC,
      resourceName: 'orders',
    });
    expect((await described('orders'))['cleanup.policy']).toEqual(['delete,compact', DYNAMIC_TOPIC_CONFIG]);
  });

  it('changes nothing with validateOnly, but still answers what would fail', async () => {
    await replace('orders', [{ name: 'retention.ms', value: '3600000' }]);
    const before = await described('orders');
    await replace('orders', [{ name: 'segment.bytes', value: '1048576' }], true);
    await expect(replace('orders', [{ name: 'retention.ms', value: '-5' }], true)).rejects.toMatchObject({
      type: 'INVALID_CONFIG',
    });
    expect(await described('orders')).toEqual(before);
    expect(storedConfigs('orders')).toEqual({ 'retention.ms': '3600000' });
  });

  it('refuses unknown names and bad values with INVALID_CONFIG naming them, nulls and repeats with INVALID_REQUEST, and changes nothing', async () => {
    const before = await described('orders');
    await expect(replace('orders', [{ name: 'retention.hours', value: '1' }])).rejects.toMatchObject({
      type: 'INVALID_CONFIG',
    });
    const unknown = await rawReplace('orders', [
      { name: 'retention.ms', value: '1000' },
      { name: 'retention.hours', value: '1' },
    ]);
    expect(unknown.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(unknown.errorMessage).toContain('Unknown topic config name: retention.hours');
    const tooSmall = await rawReplace('orders', [{ name: 'segment.bytes', value: '10' }]);
    expect(tooSmall.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(tooSmall.errorMessage).toMatch(/Invalid value 10 for configuration segment\.bytes: .*between 61/);
    const notANumber = await rawReplace('orders', [{ name: 'retention.ms', value: 'soon' }]);
    expect(notANumber.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(notANumber.errorMessage).toContain('Invalid value soon for configuration retention.ms');
    expect(await rawReplace('orders', [{ name: 'retention.ms', value: null }])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Null value not supported for : retention.ms',
    });
    const twice = await rawReplace('orders', [
      { name: 'retention.ms', value: '1000' },
      { name: 'retention.ms', value: '2000' },
    ]);
    expect(twice).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Error due to duplicate config keys: retention.ms',
    });
    expect(await described('orders')).toEqual(before);
  });

  it('answers each resource on its own: a missing topic, a resource named twice, a broker, another resource type', async () => {
    const { responses } = await client.request(AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', value: '1' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '1' }] },
        { resourceType: BROKER, resourceName: '7', configs: [] },
        { resourceType: 8, resourceName: '1', configs: [] },
        { resourceType: TOPIC, resourceName: 'live', configs: [] },
        { resourceType: TOPIC, resourceName: 'live', configs: [] },
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', value: '5400000' }],
        },
      ],
      validateOnly: false,
    });
    expect(responses.map((r) => [r.resourceType, r.resourceName, r.errorCode])).toEqual([
      [TOPIC, 'missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [BROKER, '1', ErrorCode.INVALID_REQUEST],
      [BROKER, '7', ErrorCode.INVALID_REQUEST],
      [8, '1', ErrorCode.INVALID_REQUEST],
      [TOPIC, 'live', ErrorCode.INVALID_REQUEST],
      [TOPIC, 'live', ErrorCode.INVALID_REQUEST],
      [TOPIC, 'orders', ErrorCode.NONE],
    ]);
    expect(responses[1]!.errorMessage).toContain('Cannot update these configs dynamically: log.retention.ms');
    expect(responses[2]!.errorMessage).toContain(
      'Unexpected broker id, expected 1 or empty string, but received 7',
    );
    expect((await described('orders'))['retention.ms']).toEqual(['5400000', DYNAMIC_TOPIC_CONFIG]);
  });

  it('applies the replaced set to the live partition log, and restores the default when a config is left out', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const big = { value: 'x'.repeat(2000) };
      await producer.send({ topic: 'live', messages: [big] });
      await replace('live', [{ name: 'max.message.bytes', value: '1000' }]);
      await expect(producer.send({ topic: 'live', messages: [big] })).rejects.toMatchObject({
        type: 'MESSAGE_TOO_LARGE',
      });
      // max.message.bytes not named: message.max.bytes (1 MiB) holds again.
      await replace('live', [{ name: 'retention.ms', value: '3600000' }]);
      await producer.send({ topic: 'live', messages: [big] });
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps the replaced set in meta.json across a restart', async () => {
    await replace('live', [{ name: 'segment.ms', value: '600000' }]);
    expect(storedConfigs('live')).toEqual({ 'segment.ms': '600000' });
    const before = await described('live');
    await stop();
    await start();
    expect(await described('live')).toEqual(before);
    expect(before['segment.ms']).toEqual(['600000', DYNAMIC_TOPIC_CONFIG]);
    expect(before['retention.ms']![1]).toBe(DEFAULT_CONFIG);
  });
});

describe('AlterConfigs with --authorizer acl', () => {
  let dataDir: string;

  const storedConfigs = (topic: string) =>
    (
      JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as {
        topics: { name: string; configs: Record<string, string> }[];
      }
    ).topics.find((t) => t.name === topic)?.configs;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-alter-configs-acl-'));
    // The topics are made before the authorizer is on.
    const open = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const admin = new Kafka({ brokers: [open.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'allowed' }, { topic: 'denied' }] });
    await admin.disconnect();
    await open.close();
  });

  it('needs AlterConfigs on the topic (TOPIC_AUTHORIZATION_FAILED) or on the cluster for a broker (CLUSTER_AUTHORIZATION_FAILED)', async () => {
    const { document, text } = DataDirAclDocument.open(dataDir);
    await new AclStore(document, text).add([
      {
        resourceType: ResourceType.TOPIC,
        resourceName: 'allowed',
        patternType: PatternType.LITERAL,
        principal: 'User:ANONYMOUS',
        host: '*',
        operation: AclOperation.ALTER_CONFIGS,
        permissionType: AclPermissionType.ALLOW,
      },
    ]);
    const broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, authorizer: 'acl' });
    const client = await RawClient.connect(broker.port);
    try {
      const { responses } = await client.request(AlterConfigs, 2, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'allowed',
            configs: [{ name: 'retention.ms', value: '60000' }],
          },
          {
            resourceType: TOPIC,
            resourceName: 'denied',
            configs: [{ name: 'retention.ms', value: '60000' }],
          },
          { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '1' }] },
        ],
        validateOnly: false,
      });
      expect(responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
        ['allowed', ErrorCode.NONE],
        ['denied', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
        ['1', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
      ]);
      expect(storedConfigs('allowed')).toEqual({ 'retention.ms': '60000' });
      expect(storedConfigs('denied')).toEqual({});
    } finally {
      client.close();
      await broker.close();
    }
  });
});
