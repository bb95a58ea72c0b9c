import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { BrokerStartupError, type RunningBroker, startBroker } from '../src/index.js';

const ordersWrite = {
  resourceType: AclResourceTypes.TOPIC,
  resourceName: 'orders-',
  resourcePatternType: ResourcePatternTypes.PREFIXED,
  principal: 'User:alice',
  host: '*',
  operation: AclOperationTypes.WRITE,
  permissionType: AclPermissionTypes.ALLOW,
};
const groupRead = {
  resourceType: AclResourceTypes.GROUP,
  resourceName: 'billing',
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: 'User:bob',
  host: '*',
  operation: AclOperationTypes.READ,
  permissionType: AclPermissionTypes.DENY,
};
const anyFilter = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};

describe('CreateAcls, DescribeAcls and DeleteAcls through kafkajs admin', () => {
  let dataDir: string;
  let broker: RunningBroker | undefined;
  const admin = async (b: RunningBroker) => {
    const a = new Kafka({
      brokers: [b.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await a.connect();
    return a;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-acls-admin-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, describes by filter, deletes, and keeps the ACLs across a restart', async () => {
    const options = {
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false as const,
      authorizer: 'acl' as const,
      superUsers: 'User:ANONYMOUS',
    };
    broker = await startBroker(options);
    let client = await admin(broker);
    await client.createAcls({ acl: [ordersWrite, groupRead] });

    const topics = await client.describeAcls({ ...anyFilter, resourceType: AclResourceTypes.TOPIC });
    expect(topics.resources).toEqual([
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'orders-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [
          {
            principal: 'User:alice',
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      },
    ]);
    // MATCH finds the prefixed ACL by a topic it applies to, not by an unrelated one.
    const matching = await client.describeAcls({
      ...anyFilter,
      resourceName: 'orders-eu',
      resourcePatternType: ResourcePatternTypes.MATCH,
    });
    expect(matching.resources.map((r) => r.resourceName)).toEqual(['orders-']);
    const unrelated = await client.describeAcls({
      ...anyFilter,
      resourceName: 'payments',
      resourcePatternType: ResourcePatternTypes.MATCH,
    });
    expect(unrelated.resources).toEqual([]);
    await client.disconnect();

    await broker.close();
    broker = await startBroker(options);
    client = await admin(broker);
    const all = await client.describeAcls(anyFilter);
    expect(all.resources.map((r) => [r.resourceType, r.resourceName])).toEqual([
      [AclResourceTypes.TOPIC, 'orders-'],
      [AclResourceTypes.GROUP, 'billing'],
    ]);

    const deleted = await client.deleteAcls({ filters: [{ ...anyFilter, principal: 'User:bob' }] });
    expect(
      deleted.filterResponses[0]?.matchingAcls.map((a) => [a.resourceName, a.principal, a.permissionType]),
    ).toEqual([['billing', 'User:bob', AclPermissionTypes.DENY]]);
    expect((await client.describeAcls(anyFilter)).resources.map((r) => r.resourceName)).toEqual(['orders-']);
    expect(JSON.parse(readFileSync(join(dataDir, 'acls.json'), 'utf8')).acls).toHaveLength(1);
    await client.disconnect();
  });

  it('refuses an invalid ACL with INVALID_REQUEST and stores nothing of it', async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      authorizer: 'acl',
      superUsers: 'User:ANONYMOUS',
    });
    const client = await admin(broker);
    await expect(
      client.createAcls({
        acl: [{ ...ordersWrite, resourceType: AclResourceTypes.CLUSTER, resourceName: 'orders' }],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    expect((await client.describeAcls(anyFilter)).resources).toEqual([]);
    await client.disconnect();
  });

  it('answers a principal without Alter on the cluster CLUSTER_AUTHORIZATION_FAILED', async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, authorizer: 'acl' });
    const client = await admin(broker);
    await expect(client.createAcls({ acl: [ordersWrite] })).rejects.toMatchObject({
      type: 'CLUSTER_AUTHORIZATION_FAILED',
    });
    await expect(client.describeAcls(anyFilter)).rejects.toMatchObject({
      type: 'CLUSTER_AUTHORIZATION_FAILED',
    });
    await client.disconnect();
  });

  it('answers SECURITY_DISABLED without an authorizer, as Kafka', async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const client = await admin(broker);
    await expect(client.createAcls({ acl: [ordersWrite] })).rejects.toMatchObject({
      type: 'SECURITY_DISABLED',
    });
    await client.disconnect();
  });

  it('refuses to start from an invalid acls.json with one message naming the file and the entry, and starts once it is fixed', async () => {
    const file = join(dataDir, 'acls.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, acls: [{ ...ordersWrite, patternType: 4, operation: 42 }] }),
    );
    const options = { port: 0, httpPort: -1, dataDir, logger: false as const, authorizer: 'acl' as const };
    const refused = startBroker(options);
    await expect(refused).rejects.toBeInstanceOf(BrokerStartupError);
    await expect(refused).rejects.toThrow(
      `${file}: acls[0] is invalid: operation 42 must be a concrete operation (2-14)`,
    );
    writeFileSync(file, JSON.stringify({ version: 1, acls: [] }));
    broker = await startBroker(options);
  });
});
