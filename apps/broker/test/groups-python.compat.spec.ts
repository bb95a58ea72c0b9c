import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '../src/index.js';
import { python } from './support/external-clients.js';

const CLIENT_TIMEOUT_MS = 40_000;

function brokerOn(dataDir: string): Promise<RunningBroker> {
  return startBroker({ port: 0, httpPort: -1, dataDir, logger: false, groupInitialRebalanceDelayMs: 0 });
}

/** Runs a script with the bootstrap servers as argv[1] and more `args`; it prints one JSON document. */
async function runPython(script: string, bootstrapServers: string, ...args: string[]): Promise<unknown> {
  return JSON.parse(await python(script, [bootstrapServers, ...args], CLIENT_TIMEOUT_MS));
}

/**
 * kafka-python: produces argv[2..] to py-events, then reads with group py-group (manual commit)
 * until it has as many messages as it produced, commits and prints the values it read.
 */
const KAFKA_PYTHON_PRODUCE_AND_CONSUME = `
import json, sys, time
from kafka import KafkaConsumer, KafkaProducer
values = sys.argv[2:]
producer = KafkaProducer(bootstrap_servers=sys.argv[1])
for v in values:
    producer.send('py-events', key=v.encode(), value=v.encode())
producer.flush()
producer.close()
consumer = KafkaConsumer('py-events', bootstrap_servers=sys.argv[1], group_id='py-group',
    auto_offset_reset='earliest', enable_auto_commit=False, session_timeout_ms=6000,
    heartbeat_interval_ms=500)
read = []
deadline = time.time() + 30
while len(read) < len(values) and time.time() < deadline:
    for records in consumer.poll(timeout_ms=200).values():
        read.extend(r.value.decode() for r in records)
consumer.commit()
consumer.close()
print(json.dumps(sorted(read)))
`;

/**
 * confluent-kafka: produces five messages to ck-events, reads them in group ck-group, commits
 * synchronously, and prints what it read, the groups AdminClient.list_groups() reports and the
 * committed offsets.
 */
const CONFLUENT_KAFKA_GROUP = `
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
servers = sys.argv[1]
producer = Producer({'bootstrap.servers': servers})
for i in range(5):
    producer.produce('ck-events', value=('m%d' % i).encode())
producer.flush(10)
consumer = Consumer({'bootstrap.servers': servers, 'group.id': 'ck-group', 'auto.offset.reset': 'earliest',
    'enable.auto.commit': False, 'session.timeout.ms': 6000})
consumer.subscribe(['ck-events'])
read = []
deadline = time.time() + 30
while len(read) < 5 and time.time() < deadline:
    message = consumer.poll(0.2)
    if message is not None and message.error() is None:
        read.append(message.value().decode())
consumer.commit(asynchronous=False)
groups = AdminClient({'bootstrap.servers': servers}).list_groups(timeout=10)
listed = sorted([g.id, g.protocol_type, g.state, len(g.members)] for g in groups)
committed = consumer.committed([TopicPartition('ck-events', 0)], timeout=10)
consumer.close()
print(json.dumps({'read': read, 'groups': listed, 'committed': committed[0].offset}))
`;

describe('Consumer groups with Python clients', () => {
  it('kafka-python resumes a group from its committed offsets after the broker restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-python-'));
    let broker = await brokerOn(dataDir);
    try {
      expect(
        await runPython(KAFKA_PYTHON_PRODUCE_AND_CONSUME, broker.bootstrapServers, 'a', 'b', 'c'),
      ).toEqual(['a', 'b', 'c']);
      await broker.close();
      broker = await brokerOn(dataDir);
      expect(await runPython(KAFKA_PYTHON_PRODUCE_AND_CONSUME, broker.bootstrapServers, 'd', 'e')).toEqual([
        'd',
        'e',
      ]);
    } finally {
      await broker.close();
    }
  }, 90_000);

  it('confluent-kafka reads and commits in a group that AdminClient.list_groups() shows', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-confluent-'));
    const broker = await brokerOn(dataDir);
    try {
      expect(await runPython(CONFLUENT_KAFKA_GROUP, broker.bootstrapServers)).toEqual({
        read: ['m0', 'm1', 'm2', 'm3', 'm4'],
        groups: [['ck-group', 'consumer', 'Stable', 1]],
        committed: 5,
      });
    } finally {
      await broker.close();
    }
  }, 60_000);
});
