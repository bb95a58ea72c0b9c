import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopics, DescribeConfigs, ErrorCode, InitProducerId } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

/** What the newest versions served add to their answers: each new field says something true. */
describe('flexible versions on the wire', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-flexible-versions-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  });

  afterEach(async () => {
    client.close();
    await broker.close();
  });

  it('tells in CreateTopics v7 what each topic got: counts and configs as DescribeConfigs lists them, no topic id', async () => {
    const created = await client.request(CreateTopics, 7, {
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: '60000' }],
        },
        { name: 'defaults', numPartitions: -1, replicationFactor: -1 },
        { name: 'orders', numPartitions: 1, replicationFactor: 1 },
        { name: 'bad name!', numPartitions: 1, replicationFactor: 1 },
      ],
    });
    const [orders, defaults, twice, bad] = created.topics;
    expect(orders).toMatchObject({
      name: 'orders',
      topicId: '00000000-0000-0000-0000-000000000000',
      errorCode: ErrorCode.INVALID_REQUEST,
    });
    expect(twice?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(defaults).toMatchObject({
      name: 'defaults',
      errorCode: ErrorCode.NONE,
      numPartitions: 1,
      replicationFactor: 1,
    });
    expect(bad).toMatchObject({
      errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      numPartitions: -1,
      replicationFactor: -1,
      configs: null,
    });

    const retained = await client.request(CreateTopics, 7, {
      topics: [
        {
          name: 'retained',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
    });
    const [topic] = retained.topics;
    expect(topic).toMatchObject({
      name: 'retained',
      errorCode: ErrorCode.NONE,
      numPartitions: 3,
      replicationFactor: 1,
    });
    const described = await client.request(DescribeConfigs, 2, {
      resources: [{ resourceType: 2, resourceName: 'retained', configurationKeys: null }],
    });
    const byName = (configs: readonly { name: string; value: string | null; configSource: number }[]) =>
      Object.fromEntries(configs.map(({ name, value, configSource }) => [name, { value, configSource }]));
    expect(byName(topic?.configs ?? [])).toEqual(byName(described.results[0]?.configs ?? []));
    expect(byName(topic?.configs ?? [])['retention.ms']?.value).toBe('60000');
  });

  it('gives an idempotent producer a fresh id at InitProducerId v3, whatever id and epoch it sends', async () => {
    const first = await client.request(InitProducerId, 3, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const again = await client.request(InitProducerId, 3, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: first.producerId,
      producerEpoch: first.producerEpoch,
    });
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
    expect(again.producerId).not.toBe(first.producerId);
    expect(first.producerId).toBeGreaterThanOrEqual(0n);
  });
});
