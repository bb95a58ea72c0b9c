import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlterUserScramCredentials,
  CreateTopics,
  DeleteGroups,
  DeleteTopics,
  DescribeGroups,
  DescribeLogDirs,
  DescribeUserScramCredentials,
  ErrorCode,
  encodeRecordBatch,
  Fetch,
  FindCoordinator,
  InitProducerId,
  JoinGroup,
  ListGroups,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetForLeaderEpoch,
  Produce,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import {
  type AclBinding,
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
} from '../src/security/authorization/acl.js';
import { DataDirAclDocument } from '../src/security/authorization/acl-document.js';
import { AclStore } from '../src/security/authorization/acl-store.js';
import { RawClient } from './support/raw-client.js';

const TOPICS = ['orders-eu', 'orders-us', 'payments'];

function anonymous(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders-eu',
    patternType: PatternType.LITERAL,
    principal: 'User:ANONYMOUS',
    host: '*',
    operation: AclOperation.READ,
    permissionType: AclPermissionType.ALLOW,
    ...overrides,
  } as AclBinding;
}

describe('authorization of every API for User:ANONYMOUS (--authorizer acl)', () => {
  let dataDir: string;
  let broker: RunningBroker | undefined;
  let client: RawClient | undefined;

  /** Starts on `dataDir` with `acls` stored beforehand (through the ACL file the broker reads). */
  async function start(acls: AclBinding[], options: { authorizer?: 'acl' | 'none' } = {}) {
    const { document, text } = DataDirAclDocument.open(dataDir);
    await new AclStore(document, text).add(acls);
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
      authorizer: 'acl',
      ...options,
    });
    client = await RawClient.connect(broker.port);
    return client;
  }
  async function stop() {
    client?.close();
    client = undefined;
    await broker?.close();
    broker = undefined;
  }
  const produce = async (raw: RawClient, topic: string, value: string) =>
    (
      await raw.request(Produce, 8, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [
          {
            name: topic,
            partitionData: [
              {
                index: 0,
                records: await encodeRecordBatch({
                  baseTimestamp: Date.now(),
                  records: [{ value: Buffer.from(value) }],
                }),
              },
            ],
          },
        ],
      })
    ).responses[0]!.partitionResponses[0]!;
  const fetch = async (raw: RawClient, topic: string) =>
    (
      await raw.request(Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [],
        rackId: '',
      })
    ).responses[0]!.partitions[0]!;
  const latestOffset = async (raw: RawClient, topic: string) =>
    (
      await raw.request(ListOffsets, 5, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] },
        ],
      })
    ).topics[0]!.partitions[0]!;
  const metadata = async (raw: RawClient, topics: string[] | null, allowAutoTopicCreation = false) =>
    (
      await raw.request(Metadata, 9, {
        topics: topics?.map((name) => ({ name })) ?? null,
        allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      })
    ).topics.map(({ name, errorCode }) => [name, errorCode]);

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-acls-authz-'));
    // The topics and one record each, written with no authorizer.
    const raw = await start([], { authorizer: 'none' });
    await raw.request(CreateTopics, 5, {
      topics: TOPICS.map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    for (const topic of TOPICS) expect((await produce(raw, topic, 'first')).errorCode).toBe(ErrorCode.NONE);
    await stop();
  });
  afterEach(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses everything without ACLs, with Kafka codes, and writes nothing', async () => {
    const raw = await start([]);
    expect(await metadata(raw, null)).toEqual([]);
    expect(await metadata(raw, ['orders-eu', 'nowhere'], true)).toEqual([
      ['orders-eu', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['nowhere', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect((await produce(raw, 'orders-eu', 'refused')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await fetch(raw, 'orders-eu')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await latestOffset(raw, 'orders-eu')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const epochs = await raw.request(OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [
        { topic: 'orders-eu', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
      ],
    });
    expect(epochs.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const created = await raw.request(CreateTopics, 5, {
      topics: [{ name: 'new', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const deleted = await raw.request(DeleteTopics, 3, { topicNames: ['payments'], timeoutMs: 5000 });
    expect(deleted.responses[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await raw.request(DescribeLogDirs, 3, { topics: null })).errorCode).toBe(
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    );
    const producerId = await raw.request(InitProducerId, 3, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(producerId.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const credentials = await raw.request(DescribeUserScramCredentials, 0, { users: null });
    expect(credentials.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const altered = await raw.request(AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [
        {
          name: 'mallory',
          mechanism: 2,
          iterations: 8192,
          salt: Buffer.alloc(16, 1),
          saltedPassword: Buffer.alloc(64, 2),
        },
      ],
    });
    expect(altered.results).toEqual([
      { user: 'mallory', errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null },
    ]);
    await stop();

    // Nothing was written, created or deleted: the logs are as they were.
    const open = await start([], { authorizer: 'none' });
    expect(await metadata(open, null)).toEqual(TOPICS.map((name) => [name, ErrorCode.NONE]));
    for (const topic of TOPICS) expect((await latestOffset(open, topic)).offset).toBe(1n);
    const mallory = await open.request(DescribeUserScramCredentials, 0, { users: [{ name: 'mallory' }] });
    expect(mallory.results[0]!.errorCode).toBe(ErrorCode.RESOURCE_NOT_FOUND);
  });

  it('grants exactly what an ACL says: a prefixed Write, a literal Read, and a deny that overrides', async () => {
    const raw = await start([
      anonymous({
        resourceName: 'orders-',
        patternType: PatternType.PREFIXED,
        operation: AclOperation.WRITE,
      }),
      anonymous({ resourceName: 'orders-eu', operation: AclOperation.READ }),
      anonymous({
        resourceName: 'orders-us',
        operation: AclOperation.WRITE,
        permissionType: AclPermissionType.DENY,
      }),
    ]);
    // Describe is implied by Write and Read, and a deny of Write leaves it.
    expect(await metadata(raw, null)).toEqual([
      ['orders-eu', ErrorCode.NONE],
      ['orders-us', ErrorCode.NONE],
    ]);
    expect((await produce(raw, 'orders-eu', 'second')).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(raw, 'orders-us', 'denied')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await produce(raw, 'payments', 'no acl')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await fetch(raw, 'orders-eu')).highWatermark).toBe(2n);
    expect((await fetch(raw, 'orders-us')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await latestOffset(raw, 'orders-us')).offset).toBe(1n);
    expect((await latestOffset(raw, 'payments')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('serves kafkajs what the ACLs allow and refuses the rest', async () => {
    await start([
      anonymous({ resourceName: 'orders-eu', operation: AclOperation.WRITE }),
      anonymous({ resourceName: 'orders-us', operation: AclOperation.READ }),
    ]);
    const kafka = new Kafka({
      brokers: [broker!.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: 'orders-eu', messages: [{ value: 'from kafkajs' }] });
    // Read implies Describe, so kafkajs finds the leader and is refused by Produce itself.
    await expect(
      producer.send({ topic: 'orders-us', messages: [{ value: 'no write' }] }),
    ).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.listTopics()).sort()).toEqual(['orders-eu', 'orders-us']);
    expect(await admin.fetchTopicOffsets('orders-us')).toMatchObject([{ partition: 0, offset: '1' }]);
    await admin.disconnect();
    expect((await latestOffset(client!, 'orders-eu')).offset).toBe(2n);
  });

  it('lets a consumer group run only with Read on the group and the topic, and answers the group APIs GROUP_AUTHORIZATION_FAILED otherwise', async () => {
    const raw = await start([
      anonymous({ resourceName: 'orders-eu', operation: AclOperation.READ }),
      anonymous({ resourceType: ResourceType.GROUP, resourceName: 'billing', operation: AclOperation.READ }),
      anonymous({ resourceType: ResourceType.GROUP, resourceName: 'audit', operation: AclOperation.READ }),
      anonymous({ resourceName: 'orders-us', operation: AclOperation.DESCRIBE }),
    ]);
    const kafka = new Kafka({
      brokers: [broker!.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const consumer = kafka.consumer({ groupId: 'billing', rebalanceTimeout: 3000, sessionTimeout: 6000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders-eu', fromBeginning: true });
    const consumed = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    expect(await consumed).toBe('first');
    await consumer.stop();
    await consumer.disconnect();

    const coordinator = await raw.request(FindCoordinator, 3, { key: 'payroll', keyType: 0 });
    expect(coordinator.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const transaction = await raw.request(FindCoordinator, 3, { key: 'payments-tx', keyType: 1 });
    expect(transaction.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const joined = await raw.request(JoinGroup, 5, {
      groupId: 'payroll',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 3000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(joined.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    // Read on the group but not on the topic: the group may commit only where it may read.
    const committed = await raw.request(OffsetCommit, 7, {
      groupId: 'audit',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'orders-eu',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: 'orders-us',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    expect(committed.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([
      ['orders-eu', ErrorCode.NONE],
      ['orders-us', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const listed = await raw.request(ListGroups, 2, {});
    expect(listed.groups.map((g) => g.groupId).sort()).toEqual(['audit', 'billing']);
    const described = await raw.request(DescribeGroups, 4, {
      groups: ['billing', 'payroll'],
      includeAuthorizedOperations: false,
    });
    expect(described.groups.map((g) => [g.groupId, g.errorCode])).toEqual([
      ['billing', ErrorCode.NONE],
      ['payroll', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    ]);
    const deleted = await raw.request(DeleteGroups, 1, { groupsNames: ['billing'] });
    expect(deleted.results).toEqual([
      { groupId: 'billing', errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
    ]);
  });
});
