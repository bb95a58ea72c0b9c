import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { kcat, python } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const PARTITIONS = 3;

/** kafka-python 2.0.2 producing keyed records with headers, then reading every partition with assign + seek. */
const KAFKA_PYTHON_ROUND_TRIP = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap, topic = sys.argv[1], sys.argv[2]
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5)
sent = []
for i in range(30):
    md = producer.send(topic, key=f'customer-{i % 7}'.encode(), value=f'order-{i}'.encode(),
                       headers=[('source', b'kafka-python')]).get(timeout=10)
    sent.append({'key': f'customer-{i % 7}', 'partition': md.partition, 'offset': md.offset})
producer.close()
consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=3000)
partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
consumer.assign(partitions)
consumer.seek_to_beginning()
read = [{'key': m.key.decode(), 'value': m.value.decode(), 'partition': m.partition, 'offset': m.offset,
         'headers': [[k, v.decode()] for k, v in m.headers]} for m in consumer]
consumer.close()
print(json.dumps({'sent': sent, 'read': read}))
`;

describe('command-line and Python clients', () => {
  let broker: RunningBroker;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runnel-compat-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir: join(dir, 'data'), logger: false });
    const client = await RawClient.connect(broker.port);
    try {
      await createTopic(client, 'kcat-keyed', PARTITIONS);
      await createTopic(client, 'kafka-python', PARTITIONS);
    } finally {
      client.close();
    }
  });
  afterAll(() => broker.close());

  it('kcat -P sends keyed lines from a file to the murmur2 partition of each key, and -C reads them back in order', async () => {
    const lines = Array.from({ length: 24 }, (_, i) => `user-${i % 5}:event-${i}`);
    const file = join(dir, 'events.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // librdkafka's default partitioner is CRC32-based (consistent_random); murmur2_random is the
    // Java client's placement, which keeps keys on the same partitions whichever client wrote them.
    await kcat([
      '-b',
      broker.bootstrapServers,
      '-P',
      '-t',
      'kcat-keyed',
      '-K',
      ':',
      '-X',
      'partitioner=murmur2_random',
      '-l',
      file,
    ]);

    const out = await kcat([
      '-b',
      broker.bootstrapServers,
      '-C',
      '-t',
      'kcat-keyed',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p %o %k %s\\n',
    ]);
    const read = out
      .trim()
      .split('\n')
      .map((line) => {
        const [partition, offset, key, value] = line.split(' ');
        return { partition: Number(partition), offset: Number(offset), key: key!, value: value! };
      });
    expect(read).toHaveLength(lines.length);
    for (const { partition, key } of read)
      expect(partition).toBe(partitionForKey(Buffer.from(key), PARTITIONS));
    for (let p = 0; p < PARTITIONS; p++) {
      const inPartition = read.filter((r) => r.partition === p);
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
      const expected = lines.filter((l) => partitionForKey(Buffer.from(l.split(':')[0]!), PARTITIONS) === p);
      expect(inPartition.map((r) => `${r.key}:${r.value}`)).toEqual(expected);
    }
  });

  it('kafka-python KafkaProducer writes keyed records with headers that KafkaConsumer reads back', async () => {
    const { sent, read } = JSON.parse(
      await python(KAFKA_PYTHON_ROUND_TRIP, [broker.bootstrapServers, 'kafka-python']),
    ) as {
      sent: { key: string; partition: number; offset: number }[];
      read: { key: string; value: string; partition: number; offset: number; headers: string[][] }[];
    };
    expect(sent).toHaveLength(30);
    for (const { key, partition } of sent)
      expect(partition).toBe(partitionForKey(Buffer.from(key), PARTITIONS));
    const byPosition = (a: { partition: number; offset: number }, b: { partition: number; offset: number }) =>
      a.partition - b.partition || a.offset - b.offset;
    expect(read.map(({ key, partition, offset }) => ({ key, partition, offset })).sort(byPosition)).toEqual(
      [...sent].sort(byPosition),
    );
    expect(
      read.every(
        (r) => r.headers.length === 1 && r.headers[0]![0] === 'source' && r.headers[0]![1] === 'kafka-python',
      ),
    ).toBe(true);
    expect(new Set(read.map((r) => r.value)).size).toBe(30);
  });
});
