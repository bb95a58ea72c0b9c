import { CreateTopics, ErrorCode, encodeRecordBatch, KafkaError, Produce } from '@runnel/protocol';
import { BrokerConnection } from '../src/connection/broker-connection.js';
import { Runnel } from '../src/runnel.js';
import { type MockCluster, startMockCluster } from './support/mock-cluster.js';
import { parseBootstrap } from './support/test-broker.js';

/**
 * The connection layer and the Cluster against librdkafka's mock cluster: three brokers that
 * nobody here wrote, with partition leaders spread over them. It answers an ApiVersions request
 * above its range in a layout of its own, serves Metadata only up to v2, and no admin APIs.
 */
describe('Cluster against librdkafka mock cluster of 3 brokers', () => {
  let mock: MockCluster;
  let runnel: Runnel;

  beforeAll(async () => {
    mock = await startMockCluster(3);
    runnel = new Runnel({ clientId: 'mock-spec', brokers: mock.brokers });
    await runnel.cluster.connect();
  });

  afterAll(async () => {
    await runnel?.cluster.disconnect();
    await mock?.close();
  });

  it('negotiates down from ApiVersions v3 and then each API to what the mock serves', async () => {
    const connection = await BrokerConnection.connect(parseBootstrap(mock.brokers[0] as string), {
      clientId: 'mock-spec',
      connectTimeoutMs: 5000,
      requestTimeoutMs: 5000,
    });
    try {
      expect(connection.versionFor(Produce)).toBe(7);
      expect(connection.supports(Produce)).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('learns all three brokers from the first and keeps one connection to each', async () => {
    const brokers = runnel.cluster.brokers();
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...mock.brokers].sort());
    const connections = await Promise.all(brokers.map((b) => runnel.cluster.connection(b.nodeId)));
    expect(new Set(connections).size).toBe(3);
    expect(connections.map((c) => c.address)).toEqual(brokers.map((b) => `${b.host}:${b.port}`));
  });

  it('routes each partition to its leader: produce there succeeds, to another broker NOT_LEADER_OR_FOLLOWER', async () => {
    const metadata = await runnel.cluster.metadata(['mock-routing'], { allowAutoTopicCreation: true });
    const partitions = metadata.topics.get('mock-routing')?.partitions ?? [];
    expect(partitions.length).toBeGreaterThan(1);
    const leaders = new Set(partitions.map((p) => p.leader));
    expect(leaders.size).toBeGreaterThan(1);

    for (const { partition, leader } of partitions) {
      expect(runnel.cluster.leaderFor('mock-routing', partition)).toBe(leader);
      const records = await encodeRecordBatch({
        records: [{ value: Buffer.from(`p${partition}`), timestamp: Date.now() }],
      });
      const produce = (connection: BrokerConnection) =>
        connection.request(Produce, {
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: 'mock-routing', partitionData: [{ index: partition, records }] }],
        });
      const atLeader = await produce(await runnel.cluster.connection(leader));
      expect(atLeader.responses[0]?.partitionResponses[0]).toMatchObject({
        errorCode: ErrorCode.NONE,
        baseOffset: 0n,
      });
      const other = runnel.cluster.brokers().find((b) => b.nodeId !== leader)?.nodeId as number;
      const elsewhere = await produce(await runnel.cluster.connection(other));
      expect(elsewhere.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
  });

  it('refuses an admin API the cluster does not serve with UNSUPPORTED_VERSION naming the API and the broker', async () => {
    const admin = runnel.admin({ retries: 0 });
    await admin.connect();
    try {
      const error = await admin
        .createTopics({ topics: [{ topic: 'mock-admin', numPartitions: 1 }] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(KafkaError);
      expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(error.message).toMatch(
        new RegExp(
          `^broker 127\\.0\\.0\\.1:\\d+: UNSUPPORTED_VERSION \\(35\\): CreateTopics \\(key 19\\): this client speaks v0-${CreateTopics.request.validVersions.max}, the broker does not serve it$`,
        ),
      );
    } finally {
      await admin.disconnect();
    }
  });
});
