import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from '../src/consumer/consumer.js';
import type { TopicPartition } from '../src/metadata/topic-partition.js';
import { consumerFor, Progress } from './consumer-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
const open: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ clientId: 'listener-spec', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
});

afterAll(async () => {
  await broker.close();
});

type Event = { member: string; kind: 'assigned' | 'revoked' | 'lost'; partitions: number[] };

/** A group member that records its rebalance listener calls into `events`. */
function recordingMember(name: string, groupId: string, events: Event[], progress: Progress): Consumer {
  const record =
    (kind: Event['kind']) =>
    async (partitions: TopicPartition[]): Promise<void> => {
      events.push({ member: name, kind, partitions: partitions.map((p) => p.partition).sort() });
      progress.notify();
    };
  const consumer = consumerFor(broker.bootstrap, {
    groupId,
    maxWaitMs: 50,
    heartbeatIntervalMs: 100,
    sessionTimeoutMs: 6_000,
    partitionAssigners: ['range'],
    onPartitionsAssigned: record('assigned'),
    onPartitionsRevoked: record('revoked'),
    onPartitionsLost: record('lost'),
  });
  open.push(consumer);
  return consumer;
}

const owned = (events: Event[], member: string): Set<number> => {
  const partitions = new Set<number>();
  for (const event of events.filter((e) => e.member === member)) {
    for (const p of event.partitions) {
      if (event.kind === 'assigned') partitions.add(p);
      else partitions.delete(p);
    }
  }
  return partitions;
};

describe('Consumer rebalance listeners', () => {
  it('tell each member what it got and gave up, and a revoked partition has its progress committed first', async () => {
    const topic = 'listened';
    const groupId = 'listeners';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `p${partition}` })),
    });
    await producer.disconnect();

    const events: Event[] = [];
    const progress = new Progress();
    const consumed = new Set<number>();
    const first = recordingMember('first', groupId, events, progress);
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({
      eachMessage: async ({ partition }) => {
        consumed.add(partition);
        progress.notify();
      },
    });
    await progress.until(() => owned(events, 'first').size === 4 && consumed.size === 4);
    expect(events).toEqual([{ member: 'first', kind: 'assigned', partitions: [0, 1, 2, 3] }]);

    const second = recordingMember('second', groupId, events, progress);
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({ eachMessage: async () => {} });
    await progress.until(() => owned(events, 'first').size === 2 && owned(events, 'second').size === 2);

    // Eager range: the first member gave everything up before rejoining, then got half back.
    const firstEvents = events.filter((e) => e.member === 'first');
    expect(firstEvents.slice(1)).toEqual([
      { member: 'first', kind: 'revoked', partitions: [0, 1, 2, 3] },
      { member: 'first', kind: 'assigned', partitions: [...owned(events, 'first')].sort() },
    ]);
    const all = [...owned(events, 'first'), ...owned(events, 'second')].sort();
    expect(all).toEqual([0, 1, 2, 3]);
    // What the first member had finished was committed when it was revoked, so the second
    // member starts after the records the first already handled.
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets!.partitions.map((p) => p.offset).sort()).toEqual(['1', '1', '1', '1']);
    expect(events.some((e) => e.kind === 'lost')).toBe(false);
  });
});
