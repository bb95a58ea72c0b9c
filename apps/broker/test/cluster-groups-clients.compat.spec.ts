// Needs Debian's etcd, kcat, kafka-python and confluent-kafka (/usr/bin/python3), hence a compat
// suite: `npm run test:compat`. @runnel/client runs as a child program (libs/client built).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { OFFSETS_TOPIC } from '@runnel/coordinator';
import { ErrorCode, FindCoordinator, Metadata } from '@runnel/protocol';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { kcat, python, SYSTEM_PYTHON } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const CLIENT_TIMEOUT_MS = 45_000;
const PER_PHASE = 10;
const RUNNEL_CONSUMER = join(import.meta.dirname, 'cluster-groups-support', 'runnel-group-consumer.mjs');
const RUNNEL_MEMBER = join(import.meta.dirname, 'cluster-groups-support', 'runnel-group-member.mjs');
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

/**
 * A live group member of a client: the command that joins `group` on `servers`, reads `topic`
 * from the group's committed offset (the earliest without one), prints each value on a line as
 * it reads it, commits as it goes (retrying while the coordinator moves), and exits 0 once it has
 * `count` records, having committed them.
 */
type LiveMember = (servers: string, topic: string, group: string, count: number) => [string, string[]];

const KAFKA_PYTHON_LIVE = `
import sys, time
from kafka import KafkaConsumer
servers, topic, group, count = sys.argv[1].split(','), sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=servers, group_id=group, auto_offset_reset='earliest',
    enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500)
read = 0
deadline = time.time() + 40
def commit():
    while True:
        try:
            consumer.commit()
            return
        except Exception:
            if time.time() > deadline: raise
            time.sleep(0.2)
while read < count and time.time() < deadline:
    batches = consumer.poll(timeout_ms=200)
    for records in batches.values():
        for r in records:
            print(r.value.decode(), flush=True)
            read += 1
    if batches: commit()
consumer.close()
`;

const CONFLUENT_KAFKA_LIVE = `
import sys, time
from confluent_kafka import Consumer
servers, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = Consumer({'bootstrap.servers': servers, 'group.id': group, 'auto.offset.reset': 'earliest',
    'enable.auto.commit': False, 'session.timeout.ms': 6000})
consumer.subscribe([topic])
read = 0
deadline = time.time() + 40
while read < count and time.time() < deadline:
    message = consumer.poll(0.2)
    if message is None or message.error() is not None: continue
    print(message.value().decode(), flush=True)
    read += 1
    while True:
        try:
            consumer.commit(message=message, asynchronous=False)
            break
        except Exception:
            if time.time() > deadline: raise
            time.sleep(0.2)
consumer.close()
`;

const LIVE_MEMBERS: [string, LiveMember][] = [
  // -c: exit after that many records; closing commits what auto commit stored. -u: unbuffered.
  [
    'kcat',
    (servers, topic, group, count) => [
      'kcat',
      [
        '-b',
        servers,
        '-G',
        group,
        '-X',
        'auto.offset.reset=earliest',
        '-X',
        'session.timeout.ms=6000',
        '-X',
        'auto.commit.interval.ms=200',
        '-c',
        String(count),
        '-u',
        '-q',
        '-f',
        '%s\\n',
        topic,
      ],
    ],
  ],
  ['kafka-python', (...args) => [SYSTEM_PYTHON, ['-c', KAFKA_PYTHON_LIVE, ...args.map(String)]]],
  ['confluent-kafka', (...args) => [SYSTEM_PYTHON, ['-c', CONFLUENT_KAFKA_LIVE, ...args.map(String)]]],
  ['@runnel/client', (...args) => [process.execPath, [RUNNEL_MEMBER, ...args.map(String)]]],
];

/** Starts a live member; `values` fills as it prints, `read(n)` waits for n of them. */
function startMember(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), CLIENT_TIMEOUT_MS);
  const values: string[] = [];
  const stderr: string[] = [];
  const waiting = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    values.push(line);
    for (const wake of waiting) wake();
  });
  const exited = (once(child, 'close') as Promise<[number | null]>).finally(() => clearTimeout(timer));
  const read = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (values.length < n) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
      exited.then(() => {
        if (values.length < n)
          reject(new Error(`member exited having read ${values.length} of ${n}: ${stderr.join('')}`));
      });
    });
  return { child, values, stderr, exited, read };
}

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
  const broker = (id: number) => cluster.process(id);
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

  /** The group's committed offset of partition 0 of `topic` (-1 without one). */
  const committed = async (group: string, topic: string) =>
    Number((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions[0]!.offset);
  /**
   * The killed broker returns and every __consumer_offsets partition is fully in sync again
   * before the next client kills another coordinator.
   */
  const restart = async (killed: number, successor: number) => {
    await cluster.startBrokerProcess(killed, args);
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
  };

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

      await restart(coordinator, successor);
    },
    TIMEOUT_MS,
  );

  it.each(LIVE_MEMBERS)(
    "%s: a member reading through its coordinator's SIGKILL reads every record once and commits at the new coordinator",
    async (name, member) => {
      const topic = `live-${name.replace(/[^a-z]/g, '')}`;
      const group = `${topic}-group`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }] });
      const first = Array.from({ length: PER_PHASE }, (_, i) => `a${i}`);
      const second = Array.from({ length: PER_PHASE }, (_, i) => `b${i}`);
      await producer.send({ topic, acks: -1, messages: first.map((value) => ({ value })) });

      const [command, commandArgs] = member(servers(), topic, group, first.length + second.length);
      const consumer = startMember(command, commandArgs);
      try {
        await consumer.read(first.length);
        // The first records are committed at the coordinator about to be killed.
        await eventually(async () => expect(await committed(group, topic)).toBe(first.length), 30_000);
        const coordinator = await coordinatorOf(group);
        await broker(coordinator).stop('SIGKILL');
        cluster.members.delete(coordinator);
        const successor = await coordinatorOf(group);
        expect(successor).not.toBe(coordinator);
        await eventually(
          () => producer.send({ topic, acks: -1, messages: second.map((value) => ({ value })) }),
          30_000,
        );

        const [code] = await consumer.exited;
        expect({ code, stderr: consumer.stderr.join('') }).toMatchObject({ code: 0 });
        expect(consumer.values).toEqual([...first, ...second]);
        // Its commits after the kill reached the new coordinator.
        await eventually(
          async () => expect(await committed(group, topic)).toBe(first.length + second.length),
          30_000,
        );
        await restart(coordinator, successor);
      } finally {
        consumer.child.kill('SIGKILL');
      }
    },
    TIMEOUT_MS,
  );
});
