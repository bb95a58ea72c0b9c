import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { type RunningBroker, startBroker } from '../src/index.js';

const USERS = { admin: 'admin-secret', alice: 'alice-secret', bob: 'bob-secret' } as const;

/** An ACL for `principal` on a literal resource, as kafkajs's admin writes it. */
const allow = (
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
) => ({
  resourceType,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal,
  host: '*',
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

describe('ACLs for SASL PLAIN principals (kafkajs)', () => {
  let dataDir: string;
  let broker: RunningBroker;
  const kafkaAs = (user: keyof typeof USERS) =>
    new Kafka({
      clientId: `acl-${user}`,
      brokers: [broker.bootstrapServers],
      sasl: { mechanism: 'plain', username: user, password: USERS[user] },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-acls-sasl-'));
    const usersFile = join(dataDir, 'plain-users.json');
    writeFileSync(usersFile, JSON.stringify({ users: USERS }));
    broker = await startBroker({
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      saslEnabledMechanisms: 'PLAIN',
      saslPlainUsersFile: usersFile,
      authorizer: 'acl',
      superUsers: 'User:admin',
    });
    const admin = kafkaAs('admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
    await admin.createAcls({
      acl: [
        allow('User:alice', AclResourceTypes.TOPIC, 'orders', AclOperationTypes.WRITE),
        allow('User:bob', AclResourceTypes.TOPIC, 'orders', AclOperationTypes.READ),
        allow('User:bob', AclResourceTypes.GROUP, 'bob-group', AclOperationTypes.READ),
      ],
    });
    await admin.disconnect();
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets alice write and bob read, each only what their ACLs say', async () => {
    const alice = kafkaAs('alice').producer();
    await alice.connect();
    await alice.send({ topic: 'orders', messages: [{ value: 'from alice' }] });
    await alice.disconnect();

    const bobProducer = kafkaAs('bob').producer();
    await bobProducer.connect();
    await expect(
      bobProducer.send({ topic: 'orders', messages: [{ value: 'from bob' }] }),
    ).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    await bobProducer.disconnect();

    const bob = kafkaAs('bob').consumer({ groupId: 'bob-group', maxWaitTimeInMs: 100 });
    await bob.connect();
    await bob.subscribe({ topic: 'orders', fromBeginning: true });
    const first = new Promise<string>((resolve) => {
      void bob.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    expect(await first).toBe('from alice');
    await bob.disconnect();

    // Only alice's record was written.
    const admin = kafkaAs('admin').admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('orders')).toMatchObject([{ partition: 0, offset: '1' }]);
    await admin.disconnect();
  });

  it('hides from each principal the topics it may not describe', async () => {
    const admin = kafkaAs('admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'payroll', numPartitions: 1 }] });
    expect((await admin.listTopics()).sort()).toEqual(['__consumer_offsets', 'orders', 'payroll']);
    await admin.disconnect();
    const bobAdmin = kafkaAs('bob').admin();
    await bobAdmin.connect();
    expect(await bobAdmin.listTopics()).toEqual(['orders']);
    await expect(bobAdmin.fetchTopicOffsets('payroll')).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    await bobAdmin.disconnect();
  });
});
