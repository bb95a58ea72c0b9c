import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as platformatic from '@platformatic/kafka';
import { AlterClientQuotas, ApiVersions, DescribeClientQuotas, ErrorCode } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const { ClientQuotaMatchTypes: MATCH } = platformatic;

describe('DescribeClientQuotas and AlterClientQuotas', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let admin: platformatic.Admin;

  const start = async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    admin = new platformatic.Admin({ clientId: 'quota-admin', bootstrapBrokers: [broker.bootstrapServers] });
  };
  const stop = async () => {
    await admin.close();
    await broker.close();
  };
  /** Every entity matching the filter, each as `[entity, values]` with entity `user=a,client-id=<default>`, sorted. */
  const described = async (
    components: platformatic.DescribeClientQuotasOptions['components'],
    strict = false,
  ) =>
    (await admin.describeClientQuotas({ components, strict }))
      .map((e) => [
        e.entity.map((c) => `${c.entityType}=${c.entityName ?? '<default>'}`).join(','),
        Object.fromEntries(e.values.map((v) => [v.key, v.value])),
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-admin-'));
    await start();
  });
  afterEach(stop);

  it('alters and describes named and default entities, and keeps them across a restart', async () => {
    const answers = await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: 'user', entityName: 'alice' }],
          ops: [{ key: 'producer_byte_rate', value: 1_048_576, remove: false }],
        },
        {
          entities: [
            { entityType: 'user', entityName: null },
            { entityType: 'client-id', entityName: null },
          ],
          ops: [
            { key: 'consumer_byte_rate', value: 2048, remove: false },
            { key: 'request_percentage', value: 12.5, remove: false },
          ],
        },
        {
          entities: [{ entityType: 'client-id', entityName: 'app' }],
          ops: [{ key: 'producer_byte_rate', value: 300, remove: false }],
        },
      ],
    });
    expect(answers.map((a) => a.errorCode)).toEqual([0, 0, 0]);
    const everything = [
      ['client-id=app', { producer_byte_rate: 300 }],
      ['user=<default>,client-id=<default>', { consumer_byte_rate: 2048, request_percentage: 12.5 }],
      ['user=alice', { producer_byte_rate: 1_048_576 }],
    ];
    expect(await described([])).toEqual(everything);
    expect(await described([{ entityType: 'user', matchType: MATCH.EXACT, match: 'alice' }])).toEqual([
      everything[2],
    ]);
    expect(await described([{ entityType: 'user', matchType: MATCH.DEFAULT }])).toEqual([everything[1]]);
    expect(await described([{ entityType: 'user', matchType: MATCH.ANY }])).toEqual([
      everything[1],
      everything[2],
    ]);
    expect(await described([{ entityType: 'user', matchType: MATCH.ANY }], true)).toEqual([everything[2]]);
    expect(await described([{ entityType: 'client-id', matchType: MATCH.EXACT, match: 'other' }])).toEqual(
      [],
    );

    await stop();
    await start();
    expect(await described([])).toEqual(everything);

    await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: 'user', entityName: 'alice' }],
          ops: [{ key: 'producer_byte_rate', remove: true }],
        },
      ],
    });
    await stop();
    await start();
    expect(await described([])).toEqual([everything[0], everything[1]]);
  });

  it('answers each bad entry with INVALID_REQUEST naming what is wrong, and applies the others', async () => {
    const client = await RawClient.connect(broker.port);
    try {
      const { entries } = await client.request(AlterClientQuotas, 1, {
        entries: [
          {
            entity: [{ entityType: 'ip', entityName: '10.0.0.1' }],
            ops: [{ key: 'connection_creation_rate', value: 5 }],
          },
          {
            entity: [{ entityType: 'user', entityName: 'bob' }],
            ops: [{ key: 'producer_byte_rate', value: 10.5 }],
          },
          {
            entity: [{ entityType: 'user', entityName: 'carol' }],
            ops: [{ key: 'consumer_byte_rate', value: 4096 }],
          },
        ],
        validateOnly: false,
      });
      expect(entries.map((e) => [e.errorCode, e.errorMessage])).toEqual([
        [
          ErrorCode.INVALID_REQUEST,
          'entity type "ip" is not served; quota entity types are user and client-id',
        ],
        [
          ErrorCode.INVALID_REQUEST,
          'user=bob: producer_byte_rate = 10.5 must be a whole number of bytes per second above 0',
        ],
        [ErrorCode.NONE, null],
      ]);
      const validateOnly = await client.request(AlterClientQuotas, 1, {
        entries: [
          {
            entity: [{ entityType: 'user', entityName: 'dave' }],
            ops: [{ key: 'producer_byte_rate', value: 1 }],
          },
        ],
        validateOnly: true,
      });
      expect(validateOnly.entries[0]!.errorCode).toBe(ErrorCode.NONE);
      const all = await client.request(DescribeClientQuotas, 0, { components: [], strict: false });
      expect(all.entries).toEqual([
        {
          entity: [{ entityType: 'user', entityName: 'carol' }],
          values: [{ key: 'consumer_byte_rate', value: 4096 }],
        },
      ]);
      const repeated = await client.request(DescribeClientQuotas, 1, {
        components: [
          { entityType: 'user', matchType: 2, match: null },
          { entityType: 'user', matchType: 1, match: null },
        ],
        strict: false,
      });
      expect(repeated).toMatchObject({
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: 'entity type user appears more than once in the filter',
        entries: null,
      });
      const { apiKeys } = await client.request(ApiVersions, 3, {});
      expect(apiKeys.filter((k) => k.apiKey === 48 || k.apiKey === 49)).toEqual([
        { apiKey: 48, minVersion: 0, maxVersion: 1 },
        { apiKey: 49, minVersion: 0, maxVersion: 1 },
      ]);
    } finally {
      client.close();
    }
  });

  it('needs DescribeConfigs and AlterConfigs on the cluster with the ACL authorizer, as Kafka', async () => {
    await stop();
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, authorizer: 'acl' });
    admin = new platformatic.Admin({ clientId: 'quota-admin', bootstrapBrokers: [broker.bootstrapServers] });
    const client = await RawClient.connect(broker.port);
    try {
      const described = await client.request(DescribeClientQuotas, 1, { components: [], strict: false });
      expect(described).toMatchObject({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, entries: null });
      const altered = await client.request(AlterClientQuotas, 1, {
        entries: [
          {
            entity: [{ entityType: 'user', entityName: null }],
            ops: [{ key: 'producer_byte_rate', value: 1 }],
          },
        ],
        validateOnly: false,
      });
      expect(altered.entries.map((e) => e.errorCode)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
    } finally {
      client.close();
    }
  });
});
