import type { RunningBroker } from '../src/index.js';
import { createLetters } from './fetch-support/sample-topics.js';
import { kcat, python } from './support/external-clients.js';
import { startSeededBroker } from './support/seeded-broker.js';

/** Record timestamps: a minute ago, well inside the default retention. */
const T0 = Date.now() - 60_000;

/** The Fetch path read by Debian's kcat (librdkafka) and kafka-python; fetch.spec.ts covers the rest. */
describe('Fetch with other clients', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startSeededBroker(async (client) => {
      await createLetters(client, T0);
    });
  });
  afterAll(() => broker.close());

  it('kcat (librdkafka) reads everything from the beginning and exits at the end', async () => {
    const out = await kcat([
      '-b',
      broker.bootstrapServers,
      '-C',
      '-t',
      'letters',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k:%s:%o:%h\\n',
    ]);
    expect(out.trim().split('\n')).toEqual([
      'k0:a-0:0:trace=t-1',
      'k1:a-1:1:',
      'k2:a-2:2:',
      'k0:b-0:3:',
      'k1:b-1:4:',
      'k0:c-0:5:',
    ]);
  }, 20_000);

  it('kafka-python reads a partition it assigned and seeked to the beginning, headers included', async () => {
    const program = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=None, enable_auto_commit=False)
tp = TopicPartition(sys.argv[2], 0)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
end = consumer.end_offsets([tp])[tp]
out = []
while consumer.position(tp) < end:
    for records in consumer.poll(timeout_ms=1000).values():
        for r in records:
            out.append([r.offset, r.key.decode(), r.value.decode(), [[k, v.decode()] for k, v in r.headers]])
consumer.close()
print(json.dumps(out))
`;
    const records = JSON.parse(await python(program, [broker.bootstrapServers, 'letters'])) as unknown[];
    expect(records).toEqual([
      [0, 'k0', 'a-0', [['trace', 't-1']]],
      [1, 'k1', 'a-1', []],
      [2, 'k2', 'a-2', []],
      [3, 'k0', 'b-0', []],
      [4, 'k1', 'b-1', []],
      [5, 'k0', 'c-0', []],
    ]);
  }, 30_000);
});
