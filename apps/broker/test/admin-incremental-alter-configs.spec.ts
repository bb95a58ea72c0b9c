import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, IncrementalAlterConfigs } from '@runnel/protocol';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

/** DescribeConfigs' config_source values. */
const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const TOPIC = 2;
const BROKER = 4;

type Alteration = { name: string; configOperation: number; value: string | null };

// kafkajs's admin only speaks AlterConfigs (key 33), so the alterations go through the raw client;
// kafkajs describes the result and produces through it.
describe('IncrementalAlterConfigs', () => {
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

  const alter = async (
    name: string,
    configs: Alteration[],
    { validateOnly = false, version = 1, type = TOPIC } = {},
  ) => {
    const { responses } = await client.request(IncrementalAlterConfigs, version, {
      resources: [{ resourceType: type, resourceName: name, configs }],
      validateOnly,
    });
    expect(responses).toHaveLength(1);
    return responses[0]!;
  };

  const described = async (topic: string) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]),
    );
  };

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

  it.each([0, 1])(
    'sets and deletes topic configs at v%i; DescribeConfigs shows them as the topic’s own',
    async (version) => {
      const set = await alter(
        'orders',
        [
          { name: 'segment.bytes', configOperation: SET, value: '1048576' },
          { name: 'retention.ms', configOperation: DELETE, value: null },
        ],
        { version },
      );
      expect(set).toEqual({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' });
      expect(await described('orders')).toMatchObject({
        'segment.bytes': ['1048576', DYNAMIC_TOPIC_CONFIG],
        'retention.ms': ['604800000', DEFAULT_CONFIG],
      });
      await alter('orders', [
        { name: 'segment.bytes', configOperation: DELETE, value: null },
        { name: 'retention.ms', configOperation: SET, value: '3600000' },
      ]);
      expect(await described('orders')).toMatchObject({
        'segment.bytes': ['1073741824', DEFAULT_CONFIG],
        'retention.ms': ['3600000', DYNAMIC_TOPIC_CONFIG],
      });
    },
  );

  it('appends to and subtracts from cleanup.policy, a list config', async () => {
    expect(
      (await alter('orders', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }]))
        .errorCode,
    ).toBe(0);
    expect((await described('orders'))['cleanup.policy']).toEqual(['delete,compact', DYNAMIC_TOPIC_CONFIG]);
    expect(
      (await alter('orders', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }]))
        .errorCode,
    ).toBe(0);
    expect((await described('orders'))['cleanup.policy']).toEqual(['compact', DYNAMIC_TOPIC_CONFIG]);
    await alter('orders', [{ name: 'cleanup.policy', configOperation: DELETE, value: null }]);
  });

  it('changes nothing with validateOnly, but still answers what would fail', async () => {
    const before = await described('orders');
    expect(
      (
        await alter('orders', [{ name: 'retention.ms', configOperation: SET, value: '1000' }], {
          validateOnly: true,
        })
      ).errorCode,
    ).toBe(0);
    const bad = await alter('orders', [{ name: 'retention.ms', configOperation: SET, value: '-5' }], {
      validateOnly: true,
    });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(await described('orders')).toEqual(before);
  });

  it('refuses bad names, values and operations with INVALID_CONFIG naming them, and changes nothing', async () => {
    const before = await described('orders');
    const tooSmall = await alter('orders', [
      { name: 'retention.ms', configOperation: SET, value: '1000' },
      { name: 'segment.bytes', configOperation: SET, value: '10' },
    ]);
    expect(tooSmall.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(tooSmall.errorMessage).toMatch(
      /Invalid value 10 for configuration segment\.bytes: .*between 61 and 2147483647/,
    );
    const notANumber = await alter('orders', [{ name: 'retention.ms', configOperation: SET, value: 'soon' }]);
    expect(notANumber).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG });
    expect(notANumber.errorMessage).toContain('Invalid value soon for configuration retention.ms');
    const unknown = await alter('orders', [{ name: 'retention.hours', configOperation: SET, value: '1' }]);
    expect(unknown.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(unknown.errorMessage).toContain('Unknown topic config name: retention.hours');
    const append = await alter('orders', [{ name: 'retention.ms', configOperation: APPEND, value: '1' }]);
    expect(append.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(append.errorMessage).toContain('Config value append is not allowed for config key: retention.ms');
    const nullSet = await alter('orders', [{ name: 'retention.ms', configOperation: SET, value: null }]);
    expect(nullSet.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const twice = await alter('orders', [
      { name: 'retention.ms', configOperation: SET, value: '1000' },
      { name: 'retention.ms', configOperation: DELETE, value: null },
    ]);
    expect(twice.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const badOperation = await alter('orders', [{ name: 'retention.ms', configOperation: 9, value: '1' }]);
    expect(badOperation.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(await described('orders')).toEqual(before);
  });

  it('answers each resource on its own: a missing topic, a broker, another resource type', async () => {
    const { responses } = await client.request(IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'missing',
          configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }],
        },
        {
          resourceType: BROKER,
          resourceName: '1',
          configs: [{ name: 'log.retention.ms', configOperation: SET, value: '1' }],
        },
        { resourceType: BROKER, resourceName: '7', configs: [] },
        { resourceType: 8, resourceName: '1', configs: [] },
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', configOperation: SET, value: '7200000' }],
        },
      ],
      validateOnly: false,
    });
    expect(responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['1', ErrorCode.INVALID_REQUEST],
      ['7', ErrorCode.INVALID_REQUEST],
      ['1', ErrorCode.INVALID_REQUEST],
      ['orders', ErrorCode.NONE],
    ]);
    expect(responses[1]!.errorMessage).toContain('Cannot update these configs dynamically: log.retention.ms');
    expect((await described('orders'))['retention.ms']).toEqual(['7200000', DYNAMIC_TOPIC_CONFIG]);
  });

  it('applies configs to the live partition log: max.message.bytes at the next produce, segment.bytes at the next roll', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const big = { value: 'x'.repeat(2000) };
      await producer.send({ topic: 'live', messages: [big] });
      expect(
        (await alter('live', [{ name: 'max.message.bytes', configOperation: SET, value: '1000' }])).errorCode,
      ).toBe(0);
      await expect(producer.send({ topic: 'live', messages: [big] })).rejects.toMatchObject({
        type: 'MESSAGE_TOO_LARGE',
      });

      const segments = () => readdirSync(join(dataDir, 'live-0')).filter((f) => f.endsWith('.log')).length;
      expect(segments()).toBe(1);
      expect(
        (await alter('live', [{ name: 'segment.bytes', configOperation: SET, value: '2500' }])).errorCode,
      ).toBe(0);
      await producer.send({ topic: 'live', messages: [{ value: 'y'.repeat(500) }] });
      await producer.send({ topic: 'live', messages: [{ value: 'y'.repeat(500) }] });
      expect(segments()).toBeGreaterThan(1);
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps altered configs in meta.json across a restart', async () => {
    const meta = JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as {
      topics: { name: string; configs: Record<string, string> }[];
    };
    expect(meta.topics.find((t) => t.name === 'live')?.configs).toEqual({
      'max.message.bytes': '1000',
      'segment.bytes': '2500',
    });
    const before = await described('live');
    await stop();
    await start();
    expect(await described('live')).toEqual(before);
    expect(before['max.message.bytes']).toEqual(['1000', DYNAMIC_TOPIC_CONFIG]);
  });
});
