import type { RunningBroker } from '../src/index.js';
import { kcat } from './support/external-clients.js';
import { startSeededBroker } from './support/seeded-broker.js';
import { createTopic } from './support/topics.js';

/** Metadata as Debian's kcat (librdkafka) lists it; metadata.spec.ts covers the rest. */
describe('Metadata with other clients', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startSeededBroker((client) => createTopic(client, 'listed-by-kcat', 2), {
      numPartitions: 3,
    });
  });
  afterAll(() => broker.close());

  it('lists topics and partitions to kcat (librdkafka)', async () => {
    const stdout = await kcat(['-b', broker.bootstrapServers, '-L', '-J']);
    const listing = JSON.parse(stdout) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: {
        topic: string;
        partitions: { partition: number; leader: number; isrs: { id: number }[] }[];
      }[];
    };
    expect(listing.controllerid).toBe(1);
    expect(listing.brokers).toEqual([{ id: 1, name: broker.bootstrapServers }]);
    const topic = listing.topics.find((t) => t.topic === 'listed-by-kcat');
    expect(topic?.partitions.map((p) => [p.partition, p.leader, p.isrs])).toEqual([
      [0, 1, [{ id: 1 }]],
      [1, 1, [{ id: 1 }]],
    ]);
  }, 20_000);
});
