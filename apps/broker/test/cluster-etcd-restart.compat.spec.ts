// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';

const TIMEOUT_MS = 60_000;

describe('a cluster through a crash and restart of etcd', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(2);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'keeps serving the partitions it knows while etcd is gone, and works as a cluster again once it is back',
    async () => {
      const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'before', numPartitions: 2, replicationFactor: 1 }] });
      const producer = kafka.producer();
      await producer.connect();

      // etcd dies; the brokers answer from their caches, and produce goes on at the known leaders.
      await cluster.etcd.stop('SIGKILL');
      await producer.send({
        topic: 'before',
        acks: -1,
        messages: [0, 1].map((partition) => ({ partition, value: 'during' })),
      });

      await cluster.restartEtcd();
      // Back: both brokers are registered (under their old leases, which etcd restores after a
      // restart, or under new ones if those lapsed), a controller is elected, and a topic created
      // now is known to both.
      const described = await eventually(async () => {
        const result = await admin.describeCluster();
        expect(result.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2]);
        expect([1, 2]).toContain(result.controller);
        return result;
      }, 30_000);
      expect(described.clusterId).toBe('runnel');
      await eventually(
        () => admin.createTopics({ topics: [{ topic: 'after', numPartitions: 2, replicationFactor: 1 }] }),
        30_000,
      );
      for (const member of cluster.members.values()) {
        const one = new Kafka({
          brokers: [member.broker.bootstrapServers],
          logLevel: logLevel.NOTHING,
        }).admin();
        await one.connect();
        const { topics } = await eventually(() => one.fetchTopicMetadata({ topics: ['after', 'before'] }));
        await one.disconnect();
        expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
          ['after', 2],
          ['before', 2],
        ]);
      }
      await producer.send({
        topic: 'after',
        acks: -1,
        messages: [0, 1].map((partition) => ({ partition, value: 'later' })),
      });
      const offsets = await admin.fetchTopicOffsets('before');
      expect(offsets.map((o) => o.high)).toEqual(['1', '1']);
      await producer.disconnect();
      await admin.disconnect();
    },
    TIMEOUT_MS,
  );
});
