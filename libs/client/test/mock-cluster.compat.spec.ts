import {
  ErrorCode,
  encodeAssignment,
  encodeRecordBatch,
  encodeSubscription,
  FindCoordinator,
  JoinGroup,
  KafkaError,
  ListOffsets,
  Produce,
  SyncGroup,
} from '@runnel/protocol';
import type { Admin } from '../src/admin/admin.js';
import { ConfigResourceType } from '../src/admin/admin-types.js';
import { BrokerConnection } from '../src/connection/broker-connection.js';
import { Runnel } from '../src/runnel.js';
import {
  type ContractCluster,
  produceBatches,
  recordsOf,
  storedBatches,
  text,
} from './support/client-contract.js';
import { describeConsumerContract } from './support/consumer-contract.js';
import { describeGroupContract } from './support/group-contract.js';
import { MOCK_KEEPALIVE_TOPIC, startMockCluster } from './support/mock-cluster.js';
import { describeProducerContract } from './support/producer-contract.js';

/**
 * The client's contract suites against librdkafka's mock cluster (3 brokers, partition leaders
 * spread over them): a Kafka broker implementation nobody here wrote, serving only the APIs listed
 * in support/mock-cluster.ts. The mock has no CreateTopics: a topic is made by asking Metadata for
 * it with auto-creation allowed, and gets the mock's 4 partitions.
 */
async function startMockContractCluster(): Promise<ContractCluster> {
  const mock = await startMockCluster({ brokers: 3 });
  const runnel = new Runnel({ clientId: 'contract-mock-admin', brokers: mock.brokers });
  await runnel.cluster.connect();
  let count = 0;
  return {
    brokers: mock.brokers,
    newTopic: async (prefix) => {
      const topic = `${prefix}-${++count}`;
      const metadata = await runnel.cluster.refreshMetadata([topic], { allowAutoTopicCreation: true });
      const partitions = metadata.topics.get(topic)?.partitions ?? [];
      if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
        throw new Error(`the mock did not create ${topic} with leaders: ${JSON.stringify(partitions)}`);
      }
      return { topic, partitions: partitions.length };
    },
    close: async () => {
      await runnel.cluster.disconnect();
      await mock.close();
    },
  };
}

const MOCK = "librdkafka's mock cluster";

describeProducerContract(MOCK, startMockContractCluster, { logAppendTimeMs: 1234, answersAcksZero: true });
describeConsumerContract(MOCK, startMockContractCluster, { unreadableListOffsets: true });
describeGroupContract(MOCK, startMockContractCluster, { syncGroupRacesFollowers: true });

/**
 * Where librdkafka 2.0.2's mock departs from Kafka, each pinned down so that a newer librdkafka
 * that fixes one fails here and the deviation can be dropped from the contracts above.
 */
describe("librdkafka's mock cluster: where it departs from Kafka, and what our client does", () => {
  let cluster: ContractCluster;
  let runnel: Runnel;

  beforeAll(async () => {
    cluster = await startMockContractCluster();
    runnel = new Runnel({ clientId: 'mock-deviations', brokers: [...cluster.brokers] });
    await runnel.cluster.connect();
  });

  afterAll(async () => {
    await runnel?.cluster.disconnect();
    await cluster?.close();
  });

  async function leaderConnection(topic: string, partition: number) {
    const metadata = await runnel.cluster.refreshMetadata([topic]);
    return runnel.cluster.connection(metadata.topics.get(topic)!.partitions[partition]!.leader);
  }

  it('answers Produce with LogAppendTimeMs 1234 on a CreateTime topic (Kafka answers -1)', async () => {
    const { topic } = await cluster.newTopic('mock-log-append-time');
    const records = await encodeRecordBatch({
      records: [{ value: Buffer.from('v'), timestamp: 1_700_000_000_000 }],
    });
    const response = await (await leaderConnection(topic, 0)).request(Produce, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    });
    expect(response.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: 0,
      logAppendTimeMs: 1234n,
    });
  });

  it('answers Produce with acks 0 (Kafka never does): our connection drops the stray response, the records are stored, the next send reconnects', async () => {
    const { topic, partitions } = await cluster.newTopic('mock-acks-zero');
    await runnel.cluster.refreshMetadata([topic]);
    const producer = runnel.producer({ acks: 0, idempotent: false });
    await producer.connect();
    try {
      for (const round of [0, 1]) {
        const leaders = [
          ...new Set(Array.from({ length: partitions }, (_, p) => runnel.cluster.leaderFor(topic, p))),
        ];
        // The producer's request connections; each closes when the mock's unasked-for answer arrives.
        const connections = await Promise.all(leaders.map((leader) => runnel.cluster.connection(leader!)));
        const closed = connections.map(
          (c) => new Promise<Error | undefined>((resolve) => c.onClose(resolve)),
        );
        const results = await producer.send({
          topic,
          messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: `${round}` })),
        });
        expect(results.every((r) => r.offset === -1n)).toBe(true);
        for (const reason of await Promise.all(closed)) {
          expect(reason?.message).toMatch(
            /unreadable response stream: response with correlation id \d+ while no request is in flight/,
          );
        }
      }
    } finally {
      await producer.disconnect();
    }
    const reader = new Runnel({ clientId: 'mock-acks-zero-reader', brokers: [...cluster.brokers] });
    for (let p = 0; p < partitions; p++) {
      expect(recordsOf(await storedBatches(reader, topic, p)).map((r) => text(r.value))).toEqual(['0', '1']);
    }
  });

  it('writes the LeaderEpoch of ListOffsets v4+ as an int64: our decoder refuses the 4 bytes too many; v3 reads the offsets', async () => {
    const { topic } = await cluster.newTopic('mock-list-offsets');
    await produceBatches(runnel, topic, 0, [
      {
        records: [
          { value: Buffer.from('a'), timestamp: 1 },
          { value: Buffer.from('b'), timestamp: 2 },
        ],
      },
    ]);
    const ask = (version: number) =>
      leaderConnection(topic, 0).then((connection) =>
        connection.request(
          ListOffsets,
          {
            replicaId: -1,
            isolationLevel: 0,
            topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
          },
          { version },
        ),
      );
    await expect(ask(5)).rejects.toThrow('ListOffsetsResponse v5: 4 byte(s) left over after the response');
    const v3 = await ask(3);
    expect(v3.topics[0]!.partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: 0, offset: 2n });
  });

  it("completes a SyncGroup round with the leader's assignments: a follower syncing after the leader gets a null assignment, which the schema forbids", async () => {
    const { topic } = await cluster.newTopic('mock-sync-race');
    const groupId = 'mock-sync-race';
    const found = await (await runnel.cluster.anyConnection()).request(FindCoordinator, {
      key: groupId,
      keyType: 0,
    });
    // One connection per member: the mock reads nothing more from a connection whose JoinGroup waits.
    const members = await Promise.all(
      [0, 1].map(() =>
        BrokerConnection.connect(
          { host: found.host, port: found.port },
          { clientId: 'mock-sync-race', connectTimeoutMs: 5000, requestTimeoutMs: 10_000 },
        ),
      ),
    );
    const subscription = encodeSubscription({ topics: [topic], userData: null, ownedPartitions: [] }, 0);
    const join = (connection: BrokerConnection) =>
      connection.request(JoinGroup, {
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription }],
      });
    // Both joins wait for the mock's first-join delay and are answered together.
    const joined = await Promise.all(members.map(join));
    expect(joined.map((j) => j.errorCode)).toEqual([0, 0]);
    const leaderIndex = joined.findIndex((j) => j.memberId === j.leader);
    const [leader, follower] = [joined[leaderIndex]!, joined[1 - leaderIndex]!];
    const assignment = (partitions: number[]) =>
      encodeAssignment({ assignedPartitions: [{ topic, partitions }], userData: null }, 0);
    const sync = (memberId: string, assignments: { memberId: string; assignment: Buffer }[]) =>
      members[memberId === leader.memberId ? leaderIndex : 1 - leaderIndex]!.request(SyncGroup, {
        groupId,
        generationId: leader.generationId,
        memberId,
        assignments,
      });

    const leaderSync = await sync(leader.memberId, [
      { memberId: leader.memberId, assignment: assignment([0, 1]) },
      { memberId: follower.memberId, assignment: assignment([2, 3]) },
    ]);
    expect(leaderSync.errorCode).toBe(0);
    await expect(sync(follower.memberId, [])).rejects.toThrow(
      'SyncGroupResponse.assignment: is null but the field is not nullable',
    );
    await Promise.all(members.map((m) => m.close()));
  });

  it.each([
    [
      'deleteTopics',
      'DeleteTopics (key 20)',
      (admin: Admin, topic: string) => admin.deleteTopics({ topics: [topic] }),
    ],
    [
      'createPartitions',
      'CreatePartitions (key 37)',
      (admin: Admin, topic: string) => admin.createPartitions({ topicPartitions: [{ topic, count: 6 }] }),
    ],
    [
      'deleteRecords',
      'DeleteRecords (key 21)',
      (admin: Admin, topic: string) =>
        admin.deleteRecords({ topic, partitions: [{ partition: 0, offset: 0n }] }),
    ],
    [
      'describeConfigs',
      'DescribeConfigs (key 32)',
      (admin: Admin, topic: string) =>
        admin.describeConfigs({ resources: [{ type: ConfigResourceType.TOPIC, name: topic }] }),
    ],
    ['listGroups', 'ListGroups (key 16)', (admin: Admin) => admin.listGroups()],
    ['describeGroups', 'DescribeGroups (key 15)', (admin: Admin) => admin.describeGroups(['mock-group'])],
    ['deleteGroups', 'DeleteGroups (key 42)', (admin: Admin) => admin.deleteGroups(['mock-group'])],
  ] as const)(
    'does not serve %s: the admin fails with UNSUPPORTED_VERSION naming %s',
    async (_name, api, call) => {
      const { topic } = await cluster.newTopic('mock-admin');
      const admin = runnel.admin({ retries: 0 });
      await admin.connect();
      try {
        const error = await call(admin, topic).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KafkaError);
        expect((error as KafkaError).code).toBe(ErrorCode.UNSUPPORTED_VERSION);
        expect((error as KafkaError).message).toContain(`${api}: this client speaks v`);
        expect((error as KafkaError).message).toContain('the broker does not serve it');
      } finally {
        await admin.disconnect();
      }
    },
  );

  it('serves what the admin reads from Metadata v2: its brokers and its topics', async () => {
    const { topic } = await cluster.newTopic('mock-listed');
    const admin = runnel.admin();
    await admin.connect();
    try {
      const described = await admin.describeCluster();
      expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...cluster.brokers].sort());
      expect(described.clusterId).toMatch(/^mockCluster/);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([topic, MOCK_KEEPALIVE_TOPIC]));
    } finally {
      await admin.disconnect();
    }
  });
});
