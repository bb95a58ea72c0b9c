// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, Fetch, FindCoordinator, Produce } from '@runnel/protocol';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { BrokerStartupError } from '../src/startup/startup-error.js';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { kcat, python } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';

const SUITE_TIMEOUT_MS = 60_000;
const RUNNEL_CLIENT = join(import.meta.dirname, 'cluster-support', 'runnel-client.mjs');

/** A partition as each client's metadata gives it: leader, replicas and in-sync replicas. */
interface SeenPartition {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

const KAFKA_PYTHON_METADATA = `
import json, sys
from kafka import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1].split(','))
[topic] = admin.describe_topics([sys.argv[2]])
print(json.dumps([{'partition': p['partition'], 'leader': p['leader'], 'replicas': p['replicas'], 'isr': p['isr']}
    for p in topic['partitions']]))
admin.close()
`;

const CONFLUENT_KAFKA_METADATA = `
import json, sys
from confluent_kafka.admin import AdminClient
topic = AdminClient({'bootstrap.servers': sys.argv[1]}).list_topics(sys.argv[2], timeout=10).topics[sys.argv[2]]
print(json.dumps([{'partition': p.id, 'leader': p.leader, 'replicas': p.replicas, 'isr': p.isrs}
    for p in topic.partitions.values()]))
`;

/** Each client's view of `topic`'s partitions, by partition. */
const METADATA_OF: [string, (servers: string, topic: string) => Promise<SeenPartition[]>][] = [
  [
    'kcat',
    async (servers, topic) => {
      const listed = JSON.parse(await kcat(['-b', servers, '-L', '-J'])) as {
        topics: {
          topic: string;
          partitions: {
            partition: number;
            leader: number;
            replicas: { id: number }[];
            isrs: { id: number }[];
          }[];
        }[];
      };
      return listed.topics
        .find((t) => t.topic === topic)!
        .partitions.map((p) => ({
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas.map((r) => r.id),
          isr: p.isrs.map((r) => r.id),
        }));
    },
  ],
  [
    'kafka-python',
    async (servers, topic) => JSON.parse(await python(KAFKA_PYTHON_METADATA, [servers, topic])),
  ],
  [
    'confluent-kafka',
    async (servers, topic) => JSON.parse(await python(CONFLUENT_KAFKA_METADATA, [servers, topic])),
  ],
  [
    '@runnel/client',
    async (servers, topic) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [RUNNEL_CLIENT, 'metadata', servers, topic],
        {
          timeout: 20_000,
        },
      );
      return JSON.parse(stdout);
    },
  ],
];

describe('three brokers in cluster mode', () => {
  let cluster: TestCluster;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
    kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  }, SUITE_TIMEOUT_MS);

  it(
    'forms one cluster: every broker lists the three brokers and the same controller',
    async () => {
      const described = await eventually(async () => {
        const result = await admin.describeCluster();
        expect(result.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
        return result;
      });
      expect([1, 2, 3]).toContain(described.controller);
      expect(described.clusterId).toBe('runnel');
      for (const member of cluster.members.values()) {
        const one = new Kafka({
          brokers: [member.broker.bootstrapServers],
          logLevel: logLevel.NOTHING,
        }).admin();
        await one.connect();
        const seen = await eventually(async () => {
          const result = await one.describeCluster();
          expect(result.brokers).toHaveLength(3);
          return result;
        });
        await one.disconnect();
        expect(seen.controller).toBe(described.controller);
      }
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'spreads the leaders of 6 partitions with replication factor 3 over the brokers, and serves them from their leaders',
    async () => {
      await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 3 }] });
      const [metadata] = (await admin.fetchTopicMetadata({ topics: ['spread'] })).topics;
      const partitions = metadata!.partitions.sort((a, b) => a.partitionId - b.partitionId);
      expect(partitions).toHaveLength(6);
      for (const p of partitions) {
        expect([...p.replicas].sort()).toEqual([1, 2, 3]);
        expect(p.leader).toBe(p.replicas[0]);
        // Every replica starts in sync (all logs are empty), as in Kafka.
        expect(p.isr).toEqual(p.replicas);
      }
      for (const broker of [1, 2, 3]) expect(partitions.filter((p) => p.leader === broker)).toHaveLength(2);
      // Every replica's broker made its log when the assignment reached it, leader or not.
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          const dirs = readdirSync(cluster.dataDir(id)).filter((d) => d.startsWith('spread-'));
          expect(dirs.sort()).toEqual([0, 1, 2, 3, 4, 5].map((p) => `spread-${p}`));
        });
      }

      const producer = kafka.producer();
      await producer.connect();
      for (const { partitionId } of partitions) {
        await producer.send({
          topic: 'spread',
          acks: -1,
          messages: [0, 1, 2].map((i) => ({ partition: partitionId, value: `p${partitionId}-${i}` })),
        });
      }
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: 'spread-reader', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'spread', fromBeginning: true });
      const seen = new Map<number, string[]>();
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              seen.set(partition, [...(seen.get(partition) ?? []), message.value!.toString()]);
              if ([...seen.values()].flat().length === 18) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      for (const { partitionId } of partitions) {
        expect(seen.get(partitionId)).toEqual([0, 1, 2].map((i) => `p${partitionId}-${i}`));
      }
    },
    SUITE_TIMEOUT_MS,
  );

  it.each(METADATA_OF)(
    '%s sees the spread leaders, the replicas and the in-sync replicas kafkajs sees',
    async (_name, metadataOf) => {
      const [expected] = (await admin.fetchTopicMetadata({ topics: ['spread'] })).topics;
      const byPartition = (partitions: SeenPartition[]) =>
        [...partitions]
          .sort((a, b) => a.partition - b.partition)
          .map((p) => ({ ...p, replicas: [...p.replicas], isr: [...p.isr].sort() }));
      const seen = await metadataOf(cluster.bootstrapServers.join(','), 'spread');
      expect(byPartition(seen)).toEqual(
        byPartition(
          expected!.partitions.map((p) => ({
            partition: p.partitionId,
            leader: p.leader,
            replicas: p.replicas,
            isr: p.isr,
          })),
        ),
      );
      expect(new Set(seen.map((p) => p.leader))).toEqual(new Set([1, 2, 3]));
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'answers NOT_LEADER_OR_FOLLOWER to a produce or fetch sent to a replica that does not lead',
    async () => {
      await admin.createTopics({
        topics: [{ topic: 'led-by-two', replicaAssignment: [{ partition: 0, replicas: [2, 3] }] }],
      });
      const follower = cluster.members.get(3)!.broker;
      const client = await RawClient.connect(follower.port);
      try {
        const produced = await eventually(async () => {
          const response = await client.request(
            Produce,
            8,
            produceOf('led-by-two', [{ index: 0, records: await batchOf(['x']) }]),
          );
          const [result] = partitionResults(response);
          expect(result?.errorCode).not.toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          return result;
        });
        expect(produced?.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        const fetched = await client.request(Fetch, 11, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic: 'led-by-two',
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch: -1,
                  fetchOffset: 0n,
                  logStartOffset: -1n,
                  partitionMaxBytes: 1 << 20,
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        });
        expect(fetched.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      } finally {
        client.close();
      }
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'refuses a replication factor above the live brokers with INVALID_REPLICATION_FACTOR',
    async () => {
      await expect(
        admin.createTopics({
          topics: [{ topic: 'too-many-replicas', numPartitions: 1, replicationFactor: 4 }],
        }),
      ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })] });
      const { topics } = await admin.fetchTopicMetadata({ topics: [] });
      expect(topics.map((t) => t.name)).not.toContain('too-many-replicas');
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'names one coordinator for a group on every broker, so consumers bootstrapped at different brokers share it',
    async () => {
      const coordinators = await Promise.all(
        [...cluster.members.values()].map(async ({ broker }) => {
          const client = await RawClient.connect(broker.port);
          try {
            const response = await client.request(FindCoordinator, 1, { key: 'shared-group', keyType: 0 });
            expect(response.errorCode).toBe(ErrorCode.NONE);
            return response.nodeId;
          } finally {
            client.close();
          }
        }),
      );
      expect(new Set(coordinators).size).toBe(1);
      expect([1, 2, 3]).toContain(coordinators[0]);

      const latest = new Map<number, number[]>();
      let balanced!: () => void;
      const bothAssigned = new Promise<void>((resolve) => {
        balanced = resolve;
      });
      const consumers = [1, 3].map((id, index) => {
        const consumer = new Kafka({
          brokers: [cluster.members.get(id)!.broker.bootstrapServers],
          logLevel: logLevel.NOTHING,
        }).consumer({ groupId: 'shared-group', maxWaitTimeInMs: 100 });
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          latest.set(index, payload.memberAssignment.spread ?? []);
          const counts = [...latest.values()].map((partitions) => partitions.length);
          if (counts.length === 2 && counts.every((n) => n === 3)) balanced();
        });
        return consumer;
      });
      for (const consumer of consumers) {
        await consumer.connect();
        await consumer.subscribe({ topic: 'spread', fromBeginning: true });
        await consumer.run({ eachMessage: async () => undefined });
      }
      await bothAssigned;
      await Promise.all(consumers.map((c) => c.disconnect()));
      expect([...latest.values()].flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'refuses to start a broker whose id a live broker holds, naming --node-id, once the wait for it to leave is over',
    async () => {
      const started = cluster.startBroker(1, { dataDir: join(cluster.dir, 'second-broker-1') });
      await expect(started).rejects.toBeInstanceOf(BrokerStartupError);
      await expect(started).rejects.toThrow(
        /broker id 1 is registered in cluster runnel by a live broker .*--node-id \(RUNNEL_NODE_ID\)/,
      );
      const { brokers } = await admin.describeCluster();
      expect(brokers.find((b) => b.nodeId === 1)?.port).toBe(cluster.members.get(1)!.broker.port);
    },
    SUITE_TIMEOUT_MS,
  );
});
