import type { RunningBroker } from '../src/index.js';
import { createTimed } from './fetch-support/sample-topics.js';
import { kcat, python } from './support/external-clients.js';
import { startSeededBroker } from './support/seeded-broker.js';

/** Record timestamps: a minute ago, well inside the default retention. */
const T0 = Date.now() - 60_000;

/**
 * ListOffsets as Debian's kcat (librdkafka) and kafka-python ask it; list-offsets.spec.ts covers
 * the rest. timed-0 as `createTimed` makes it: offsets 3-11, log start 3, high watermark 12.
 */
describe('ListOffsets with other clients', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startSeededBroker(async (client) => {
      await createTimed(client, T0);
    });
  });
  afterAll(() => broker.close());

  it('lets kcat (librdkafka) start at a timestamp, and at an offset counted from the end', async () => {
    const consume = (start: string) =>
      kcat(['-b', broker.bootstrapServers, '-C', '-t', 'timed', '-o', start, '-e', '-q', '-f', '%o\\n']);
    expect((await consume(`s@${T0 + 150}`)).trim().split('\n')).toEqual(['6', '7', '8', '9', '10', '11']);
    expect((await consume('-2')).trim().split('\n')).toEqual(['10', '11']);
    expect((await consume('beginning')).trim().split('\n')[0]).toBe('3');
  }, 30_000);

  it('answers kafka-python for beginning, end and offsets for times', async () => {
    const program = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=None, enable_auto_commit=False)
tp = TopicPartition("timed", 0)
found = consumer.offsets_for_times({tp: int(sys.argv[2])})[tp]
print(json.dumps([consumer.beginning_offsets([tp])[tp], consumer.end_offsets([tp])[tp], found.offset, found.timestamp]))
consumer.close()
`;
    const out = await python(program, [broker.bootstrapServers, String(T0 + 250)]);
    expect(JSON.parse(out)).toEqual([3, 12, 9, T0 + 300]);
  }, 30_000);
});
