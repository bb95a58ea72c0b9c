// Needs Debian's etcd, kcat, kafka-python and confluent-kafka (/usr/bin/python3), hence a compat
// suite: `npm run test:compat`. @runnel/client runs as a child program (libs/client built).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OFFSETS_TOPIC } from '@runnel/coordinator';
import { ErrorCode, FindCoordinator, Metadata } from '@runnel/protocol';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import type { BrokerProcess } from '../src/testing/broker-process.js';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { kcat, python } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const CLIENT_TIMEOUT_MS = 45_000;
const PER_PHASE = 10;
const RUNNEL_CONSUMER = join(import.meta.dirname, 'cluster-groups-support', 'runnel-group-consumer.mjs');
const run = promisify(execFile);

/**
 * One group consumer run of a client: joins `group` on `servers`, reads `topic` from the group's
 * committed offset (the earliest without one) until it has `count` records, commits, leaves, and
 * resolves with the values it read.
 */
type GroupRun = (servers: string, topic: string, group: string, count: number) => Promise<string[]>;

const kcatGroup: GroupRun = async (servers, topic, group) => {
  // -e: exit once every assigned partition is read to its end; closing commits (auto commit).
  const out = await kcat(
    [
      '-b',
      servers,
      '-G',
      group,
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'session.timeout.ms=6000',
      '-e',
      '-q',
      '-f',
      '%s\\n',
      topic,
    ],
    CLIENT_TIMEOUT_MS,
  );
  return out.split('\n').filter((line) => line !== '');
};

const KAFKA_PYTHON = `
import json, sys, time
from kafka import KafkaConsumer
servers, topic, group, count = sys.argv[1].split(','), sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=servers, group_id=group, auto_offset_reset='earliest',
    enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500)
read = []
deadline = time.time() + 40
while len(read) < count and time.time() < deadline:
    for records in consumer.poll(timeout_ms=200).values():
        read.extend(r.value.decode() for r in records)
while True:
    try:
        consumer.commit()
        break
    except Exception:
        if time.time() > deadline: raise
        time.sleep(0.2)
consumer.close()
print(json.dumps(read))
`;

const CONFLUENT_KAFKA = `
import json, sys, time
from confluent_kafka import Consumer
servers, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = Consumer({'bootstrap.servers': servers, 'group.id': group, 'auto.offset.reset': 'earliest',
    'enable.auto.commit': False, 'session.timeout.ms': 6000})
consumer.subscribe([topic])
read = []
deadline = time.time() + 40
while len(read) < count and time.time() < deadline:
    message = consumer.poll(0.2)
    if message is not None and message.error() is None:
        read.append(message.value().decode())
while True:
    try:
        consumer.commit(asynchronous=False)
        break
    except Exception:
        if time.time() > deadline: raise
        time.sleep(0.2)
consumer.close()
print(json.dumps(read))
`;

const pythonGroup =
  (program: string): GroupRun =>
  async (servers, topic, group, count) =>
    JSON.parse(await python(program, [servers, topic, group, String(count)], CLIENT_TIMEOUT_MS));

const runnelGroup: GroupRun = async (servers, topic, group, count) => {
  const { stdout } = await run(process.execPath, [RUNNEL_CONSUMER, servers, topic, group, String(count)], {
    timeout: CLIENT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  return JSON.parse(stdout);
};

const CLIENTS: [string, GroupRun][] = [
  ['kcat', kcatGroup],
  ['kafka-python', pythonGroup(KAFKA_PYTHON)],
  ['confluent-kafka', pythonGroup(CONFLUENT_KAFKA)],
  ['@runnel/client', runnelGroup],
];

async function withClient<T>(port: number, body: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}

describe('consumer groups of kcat, kafka-python, confluent-kafka and @runnel/client through their coordinator SIGKILL', () => {
  let cluster: TestCluster;
  let admin: Admin;
  let producer: Producer;
  const args = [
    '--offsets-topic-num-partitions',
    '6',
    '--min-insync-replicas',
    '2',
    '--group-initial-rebalance-delay-ms',
    '0',
  ];
  const broker = (id: number): BrokerProcess => {
    const member = cluster.members.get(id);
    if (member?.kind !== 'process') throw new Error(`broker ${id} is not a running child process`);
    return member.broker;
  };
  const live = () => [...cluster.members.keys()];
  const servers = () => cluster.bootstrapServers.join(',');
  const coordinatorOf = (group: string) =>
    eventually(async () => {
      const answer = await withClient(broker(live()[0]!).port, (c) =>
        c.request(FindCoordinator, 3, { key: group, keyType: 0 }),
      );
      expect(answer.errorCode).toBe(ErrorCode.NONE);
      expect(live()).toContain(answer.nodeId);
      return answer.nodeId;
    }, 30_000);

  beforeAll(async () => {
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2, 3].map((id) => cluster.startBrokerProcess(id, args)));
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await cluster?.stop();
  }, TIMEOUT_MS);

  it.each(CLIENTS)(
    '%s: a group that committed resumes at the new coordinator exactly after what it committed',
    async (name, consume) => {
      const topic = `groups-${name.replace(/[^a-z]/g, '')}`;
      const group = `${topic}-group`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }] });
      const first = Array.from({ length: PER_PHASE }, (_, i) => `a${i}`);
      const second = Array.from({ length: PER_PHASE }, (_, i) => `b${i}`);
      await producer.send({ topic, acks: -1, messages: first.map((value) => ({ value })) });

      expect((await consume(servers(), topic, group, first.length)).sort()).toEqual([...first].sort());

      const coordinator = await coordinatorOf(group);
      await broker(coordinator).stop('SIGKILL');
      cluster.members.delete(coordinator);
      const successor = await coordinatorOf(group);
      expect(successor).not.toBe(coordinator);
      await eventually(
        () => producer.send({ topic, acks: -1, messages: second.map((value) => ({ value })) }),
        30_000,
      );

      // Read from the committed offset kept by the new coordinator: none of the first records again.
      const inTopic = Number((await admin.fetchTopicOffsets(topic))[0]!.high);
      const resumed = await consume(servers(), topic, group, inTopic - first.length);
      expect(resumed.filter((value) => value.startsWith('a'))).toEqual([]);
      expect(new Set(resumed)).toEqual(new Set(second));

      // The killed broker returns and every __consumer_offsets partition is fully in sync again
      // before the next client kills another coordinator.
      await cluster.startBrokerProcess(coordinator, args);
      await eventually(async () => {
        const metadata = await withClient(broker(successor).port, (c) =>
          c.request(Metadata, 9, {
            topics: [{ name: OFFSETS_TOPIC }],
            allowAutoTopicCreation: false,
            includeClusterAuthorizedOperations: false,
            includeTopicAuthorizedOperations: false,
          }),
        );
        expect(metadata.topics[0]!.partitions.map((p) => p.isrNodes.length)).toEqual([3, 3, 3, 3, 3, 3]);
      }, 60_000);
    },
    TIMEOUT_MS,
  );
});
