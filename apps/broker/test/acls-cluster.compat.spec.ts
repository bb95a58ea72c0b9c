import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';

const anyFilter = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};
const readOf = (resourceName: string) => ({
  resourceType: AclResourceTypes.TOPIC,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperationTypes.READ,
  permissionType: AclPermissionTypes.ALLOW,
});

describe('ACLs in a cluster (etcd)', () => {
  let cluster: TestCluster;
  /** A connected admin of broker `nodeId` alone, so each call is answered by that broker's ACLs. */
  const adminOf = async (nodeId: number) => {
    const member = cluster.members.get(nodeId)!;
    const admin = new Kafka({
      brokers: [member.broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    return admin;
  };
  const names = async (nodeId: number) => {
    const admin = await adminOf(nodeId);
    try {
      return (await admin.describeAcls(anyFilter)).resources.map((r) => r.resourceName).sort();
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    cluster = await TestCluster.start(2, { authorizer: 'acl', superUsers: 'User:ANONYMOUS' });
  }, 60_000);
  afterAll(() => cluster.stop());

  it('shares every broker’s ACL changes, concurrent ones included, and keeps them across a restart', async () => {
    const [one, two] = [await adminOf(1), await adminOf(2)];
    await one.createAcls({ acl: [readOf('orders')] });
    await eventually(async () => expect(await names(2)).toEqual(['orders']));

    // Two brokers changing the one etcd key at once: neither change is lost.
    await Promise.all([
      one.createAcls({ acl: [readOf('from-1')] }),
      two.createAcls({ acl: [readOf('from-2')] }),
    ]);
    await eventually(async () => expect(await names(1)).toEqual(['from-1', 'from-2', 'orders']));
    await eventually(async () => expect(await names(2)).toEqual(['from-1', 'from-2', 'orders']));
    await Promise.all([one.disconnect(), two.disconnect()]);

    await cluster.stopBroker(2);
    await cluster.startBroker(2);
    expect(await names(2)).toEqual(['from-1', 'from-2', 'orders']);

    const admin = await adminOf(2);
    await admin.deleteAcls({ filters: [{ ...anyFilter, resourceName: 'orders' }] });
    await admin.disconnect();
    await eventually(async () => expect(await names(1)).toEqual(['from-1', 'from-2']));
  }, 60_000);
});
