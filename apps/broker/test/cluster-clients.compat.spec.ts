// Needs Debian's etcd, kcat, kafka-python and confluent-kafka (and a build of libs/client), hence a
// compat suite: `npm run test:compat`. kafkajs through the same failure: cluster-replication.compat.spec.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Metadata } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const SYSTEM_PYTHON = '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const RUNNEL_CLIENT = join(HERE, 'cluster-support', 'runnel-client.mjs');
/** What runnel-client.mjs imports (the workspace's libs/client, built). */
const CLIENT_BUILD = join(HERE, '..', '..', '..', 'libs', 'client', 'dist', 'index.js');
/** Acknowledged writes to wait for in each phase: before the kill, after it, after the return. */
const ACKS_PER_PHASE = 30;
const BROKER_ARGS = [
  ...['--min-insync-replicas', '2'],
  // The returned broker leads its partitions again within a second of rejoining their ISR, each of
  // them: with Kafka's 10 %, a partition that rejoins after most others (a busy one, among the 50
  // of __consumer_offsets that librdkafka's group.id creates) would be left with the new leader.
  ...['--leader-imbalance-check-interval-seconds', '1', '--leader-imbalance-per-broker-percentage', '0'],
];

/** An acknowledged write: the value and the offset the producer was told. */
interface Ack {
  readonly value: string;
  readonly offset: bigint;
}

/** A client's producer and consumer, each a child process. */
interface ClientUnderTest {
  readonly name: string;
  /** Starts writing "0", "1", ... to partition 0 of `topic` with acks=all; `acks` fills as they are acknowledged. */
  produce(servers: string, topic: string): Producing;
  /** Starts reading partition 0 of `topic` from offset 0, printing `<offset> <value>` lines until SIGTERMed. */
  consume(servers: string, topic: string): ChildProcess;
}

interface Producing {
  readonly acks: Ack[];
  /** Stops writing, waits for what is outstanding, and resolves once the producer exited. */
  stop(): Promise<void>;
}

/** Collects a stream's lines as they come. */
function linesOf(stream: NodeJS.ReadableStream): string[] {
  const lines: string[] = [];
  createInterface({ input: stream }).on('line', (line) => lines.push(line));
  return lines;
}

/** A child that prints `ok <value> <offset>` or `err <value> ...` per write and stops when stdin ends. */
function lineProducer(child: ChildProcess): Producing {
  const acks: Ack[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [outcome, value, offset] = line.split(' ');
    if (outcome === 'ok') acks.push({ value: value!, offset: BigInt(offset!) });
  });
  const exited = once(child, 'close');
  return {
    acks,
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

function python(program: string, ...args: string[]): ChildProcess {
  return spawn(SYSTEM_PYTHON, ['-c', program, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
}

/** A daemon thread that sets `stop` when stdin ends (the test closes it). */
const PYTHON_STOP_ON_EOF = `
import sys, threading
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
`;

/**
 * kcat -P reads one value per line from stdin; the test writes a line every few ms. librdkafka
 * (idempotent) reports deliveries of one partition in the order the values were given, and with
 * `-v -v` kcat prints each on stderr, failures included, so the n-th report is the n-th value's.
 */
const kcat: ClientUnderTest = {
  name: 'kcat',
  produce(servers, topic) {
    const child = spawn(
      'kcat',
      [
        ...['-P', '-b', servers, '-t', topic, '-p', '0', '-v', '-v'],
        ...['-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'linger.ms=0'],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const acks: Ack[] = [];
    let reported = 0;
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const delivered = /^% Message delivered to partition 0 \(offset (\d+)\)/.exec(line);
      if (delivered) acks.push({ value: String(reported++), offset: BigInt(delivered[1]!) });
      else if (line.startsWith('% Delivery failed')) reported++;
    });
    let written = 0;
    const writer = setInterval(() => child.stdin!.write(`${written++}\n`), 5);
    const exited = once(child, 'close');
    return {
      acks,
      async stop() {
        clearInterval(writer);
        child.stdin!.end();
        await exited;
      },
    };
  },
  consume(servers, topic) {
    return spawn(
      'kcat',
      ['-C', '-b', servers, '-t', topic, '-p', '0', '-o', 'beginning', '-u', '-f', '%o %s\\n'],
      {
        // librdkafka logs every refused connect to the dead broker there.
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
  },
};

/**
 * kafka-python 2.0.2 has no idempotent producer: a retry of a write the dead leader appended and
 * replicated but did not answer would be written twice, so it sends with retries=0, one write at a
 * time, and a failed write is simply not acknowledged.
 */
const kafkaPython: ClientUnderTest = {
  name: 'kafka-python',
  produce(servers, topic) {
    return lineProducer(
      python(
        `${PYTHON_STOP_ON_EOF}
import time
from kafka import KafkaProducer
producer = KafkaProducer(bootstrap_servers=sys.argv[1].split(','), acks='all', retries=0,
    max_in_flight_requests_per_connection=1, linger_ms=0, request_timeout_ms=10000)
n = 0
while not stop.is_set():
    try:
        offset = producer.send(sys.argv[2], value=str(n).encode(), partition=0).get(timeout=20).offset
        print('ok', n, offset, flush=True)
    except Exception as err:
        print('err', n, type(err).__name__, flush=True)
        time.sleep(0.05)
    n += 1
producer.close(10)
`,
        servers,
        topic,
      ),
    );
  },
  consume(servers, topic) {
    return python(
      `import sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1].split(','), group_id=None, enable_auto_commit=False)
partition = TopicPartition(sys.argv[2], 0)
consumer.assign([partition])
consumer.seek_to_beginning(partition)
while True:
    for records in consumer.poll(timeout_ms=200).values():
        for record in records:
            print(record.offset, record.value.decode(), flush=True)
`,
      servers,
      topic,
    );
  },
};

/** confluent-kafka (librdkafka), idempotent, up to 100 writes outstanding; delivery reports come in order. */
const confluentKafka: ClientUnderTest = {
  name: 'confluent-kafka',
  produce(servers, topic) {
    return lineProducer(
      python(
        `${PYTHON_STOP_ON_EOF}
from confluent_kafka import Producer
producer = Producer({'bootstrap.servers': sys.argv[1], 'acks': 'all', 'enable.idempotence': True, 'linger.ms': 0})
def reported(err, message):
    value = message.value().decode()
    print('err %s %s' % (value, err) if err else 'ok %s %d' % (value, message.offset()), flush=True)
n = 0
while not stop.is_set():
    producer.produce(sys.argv[2], value=str(n).encode(), partition=0, on_delivery=reported)
    n += 1
    producer.poll(0.005)
    while len(producer) >= 100 and not stop.is_set():
        producer.poll(0.05)
producer.flush(30)
`,
        servers,
        topic,
      ),
    );
  },
  consume(servers, topic) {
    return python(
      `import sys
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
consumer = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'cluster-clients', 'enable.auto.commit': False})
consumer.assign([TopicPartition(sys.argv[2], 0, OFFSET_BEGINNING)])
while True:
    message = consumer.poll(0.2)
    if message is not None and message.error() is None:
        print(message.offset(), message.value().decode(), flush=True)
`,
      servers,
      topic,
    );
  },
};

/** @runnel/client through cluster-support/runnel-client.mjs: one send at a time, each awaited. */
const runnelClient: ClientUnderTest = {
  name: '@runnel/client',
  produce(servers, topic) {
    return lineProducer(
      spawn(process.execPath, [RUNNEL_CLIENT, 'produce', servers, topic], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
  },
  consume(servers, topic) {
    return spawn(process.execPath, [RUNNEL_CLIENT, 'consume', servers, topic], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
  },
};

/** Metadata v9 of `topic`-0 as the broker at `port` answers it. */
async function partitionOf(port: number, topic: string) {
  const client = await RawClient.connect(port);
  try {
    const response = await client.request(Metadata, 9, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    return response.topics[0]!.partitions[0]!;
  } finally {
    client.close();
  }
}

/**
 * Resolves once `condition()` holds, checked every 20 ms (what the children print announces
 * nothing else); on timeout the error names what was awaited and `state()`, what the children did.
 */
async function until(condition: () => boolean, what: string, state: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("clients through a partition leader's SIGKILL and its return, on three brokers", () => {
  let cluster: TestCluster;
  const broker = (id: number) => cluster.process(id);

  beforeAll(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error(`${CLIENT_BUILD} is missing; build @runnel/client first`);
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2, 3].map((id) => cluster.startBrokerProcess(id, BROKER_ARGS)));
    const admin = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(3));
    await admin.disconnect();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it.each([kcat, kafkaPython, confluentKafka, runnelClient])(
    '$name reads back every acknowledged record once, in order, written while the leader died and returned',
    async (client: ClientUnderTest) => {
      const topic = `${client.name.replace(/\W/g, '')}-failover`;
      // The observer is never killed; broker 1, the preferred leader, is.
      const observer = broker(2).port;
      const admin = new Kafka({ brokers: [broker(2).bootstrapServers], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
      });
      await admin.disconnect();
      await eventually(async () => {
        const partition = await partitionOf(observer, topic);
        expect(partition.leaderId).toBe(1);
        expect([...partition.isrNodes].sort()).toEqual([1, 2, 3]);
      });

      const servers = cluster.bootstrapServers.join(',');
      const consumer = client.consume(servers, topic);
      const consumerExited = once(consumer, 'close');
      const consumed = linesOf(consumer.stdout!);
      const producing = client.produce(servers, topic);
      const { acks } = producing;
      const state = () =>
        `${acks.length} writes acknowledged (the last at offset ${acks.at(-1)?.offset}), ${consumed.length} records read (the last: ${consumed.at(-1)})`;
      try {
        await until(
          () => acks.length >= ACKS_PER_PHASE && consumed.length > 0,
          'writes before the kill',
          state,
        );
        const killedPort = broker(1).port;
        await broker(1).stop('SIGKILL');
        const ackedBeforeKill = acks.length;
        const consumedBeforeKill = consumed.length;
        await eventually(async () => expect([2, 3]).toContain((await partitionOf(observer, topic)).leaderId));
        await until(() => acks.length >= ackedBeforeKill + ACKS_PER_PHASE, 'writes after the kill', state);

        // Back on its port; it catches up, rejoins the ISR and leads again as the preferred replica.
        await cluster.startBrokerProcess(1, [...BROKER_ARGS, '--port', String(killedPort)]);
        await eventually(async () => {
          const partition = await partitionOf(observer, topic);
          expect(partition.leaderId).toBe(1);
          expect([...partition.isrNodes].sort()).toEqual([1, 2, 3]);
        }, 30_000);
        const ackedAfterReturn = acks.length;
        await until(() => acks.length >= ackedAfterReturn + ACKS_PER_PHASE, 'writes after the return', state);
        await producing.stop();

        const last = acks.at(-1)!.offset;
        await until(
          () => consumed.some((line) => BigInt(line.split(' ')[0]!) >= last),
          `the consumer reaching offset ${last}`,
          state,
        );
        expect(consumedBeforeKill).toBeGreaterThan(0);
      } finally {
        await producing.stop();
        consumer.kill('SIGTERM');
        await consumerExited;
      }

      const records = consumed.map((line) => {
        const [offset, value] = line.split(' ');
        return { offset: BigInt(offset!), value: value! };
      });
      // Nothing read twice (every write was sent once, or retried idempotently), offsets rising.
      expect(new Set(records.map((r) => r.value)).size).toBe(records.length);
      expect(records.every((r, i) => i === 0 || r.offset > records[i - 1]!.offset)).toBe(true);
      // Every acknowledged record, at the offset it was acknowledged with, in the order acknowledged.
      const acknowledged = new Set(acks.map((a) => a.value));
      expect(records.filter((r) => acknowledged.has(r.value))).toEqual(acks);
      expect(acks.length).toBeGreaterThanOrEqual(3 * ACKS_PER_PHASE);
    },
    TIMEOUT_MS,
  );
});
