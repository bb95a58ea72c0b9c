import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/broker.js';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';

const CLIENT = { username: 'alice', password: 'alice-secret' };
const BROKER = { username: 'broker', password: 'broker-secret' };

describe('listeners in a cluster: per-listener addresses and inter.broker.listener.name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-cluster-listeners-'));
  const usersFile = join(dir, 'plain-users.json');
  let cluster: TestCluster;
  const portOf = (nodeId: number, listener: 'PLAINTEXT' | 'SASL_PLAINTEXT'): number => {
    const member = cluster.members.get(nodeId);
    if (member?.kind !== 'in-process') throw new Error(`broker ${nodeId} is not running in this process`);
    return member.broker.ports[listener]!;
  };
  const saslClient = (nodeId: number) =>
    new Kafka({
      brokers: [`127.0.0.1:${portOf(nodeId, 'SASL_PLAINTEXT')}`],
      sasl: { mechanism: 'plain', ...CLIENT },
      logLevel: logLevel.NOTHING,
    });

  beforeAll(async () => {
    writeFileSync(
      usersFile,
      JSON.stringify({ users: { [CLIENT.username]: CLIENT.password, [BROKER.username]: BROKER.password } }),
    );
    // PLAINTEXT first, so the named listener is not the default; with the authorizer on, a
    // PLAINTEXT connection is User:ANONYMOUS, which may not fetch as a replica (ClusterAction),
    // so replication works only if followers connect to SASL_PLAINTEXT as User:broker.
    cluster = await TestCluster.start(3, {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      saslEnabledMechanisms: 'PLAIN',
      saslPlainUsersFile: usersFile,
      interBrokerListenerName: 'SASL_PLAINTEXT',
      interBrokerSaslUsername: BROKER.username,
      interBrokerSaslPassword: BROKER.password,
      authorizer: 'acl',
      superUsers: `User:${BROKER.username};User:${CLIENT.username}`,
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells a client of the SASL listener every broker at its SASL port', async () => {
    const admin = saslClient(2).admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const { brokers } = await admin.describeCluster();
        expect(brokers.map(({ nodeId, port }) => [nodeId, port]).sort()).toEqual(
          [1, 2, 3].map((id) => [id, portOf(id, 'SASL_PLAINTEXT')]),
        );
      });
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('replicates over the named listener: acks=-1 writes to three replicas complete', async () => {
    const kafka = saslClient(1);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'orders', numPartitions: 1, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const [result] = await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'one' }] });
      expect(result?.errorCode).toBe(0);
      await eventually(async () => {
        const [topic] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;
        expect([...topic!.partitions[0]!.isr].sort()).toEqual([1, 2, 3]);
      });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 60_000);

  it('refuses an inter-broker listener it does not have, and, in a cluster, a SASL one without its user', async () => {
    const options = { port: 0, httpPort: -1, dataDir: join(dir, 'refused'), logger: false as const };
    await expect(startBroker({ ...options, interBrokerListenerName: 'SSL' })).rejects.toThrow(
      /interBrokerListenerName = "SSL" .*names none of the listeners PLAINTEXT/,
    );
    await expect(
      startBroker({
        ...options,
        // Refused while the configuration is checked, before etcd is reached: no etcd listens here.
        cluster: 'etcd://127.0.0.1:1',
        listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
        interBrokerListenerName: 'SASL_PLAINTEXT',
      }),
    ).rejects.toThrow(/inter-broker listener SASL_PLAINTEXT needs interBrokerSaslUsername/);
  });
});
