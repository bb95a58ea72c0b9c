import { setTimeout as sleep } from 'node:timers/promises';
import { ManualScheduler } from '@runnel/coordinator';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from '../src/consumer/consumer.js';
import { consumerFor, deferred } from './consumer-helpers.js';
import { FAST_GROUP, name, RecordingMember, splitDisjointly, untilAll } from './group-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
let count = 0;
const members: RecordingMember[] = [];
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 1_000 });
  kafka = new Kafka({
    clientId: 'group-liveness-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterEach(async () => {
  await Promise.all([
    ...consumers.splice(0).map((consumer) => consumer.disconnect()),
    ...members.splice(0).map((member) => member.stop()),
  ]);
});

afterAll(async () => {
  await broker.close();
});

async function newTopic(partitions: number): Promise<string> {
  const topic = `liveness-${++count}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** Runs `during` while `member` reports progress every 200 ms, as a consumer whose handlers run. */
async function progressing(member: RecordingMember, during: () => Promise<void>): Promise<void> {
  member.coordinator.notePoll();
  const timer = setInterval(() => member.coordinator.notePoll(), 200);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
}

function member(groupId: string, options: Partial<ConstructorParameters<typeof RecordingMember>[1]> = {}) {
  const created = new RecordingMember(broker.bootstrap, { groupId, ...FAST_GROUP, ...options });
  members.push(created);
  return created;
}

describe('heartbeats and the poll interval', () => {
  it('keeps a member whose handler works for 2.5 session timeouts, short of maxPollIntervalMs', async () => {
    const topic = await newTopic(4);
    const timings = { sessionTimeoutMs: 2_000, heartbeatIntervalMs: 100, maxPollIntervalMs: 20_000 };
    const [busy, other] = [member('busy', timings), member('busy', timings)];
    await busy.start([topic]);
    await other.start([topic]);
    await untilAll([busy, other], () => splitDisjointly([busy, other], topic, 4) && busy.owned.size === 2);
    const generation = busy.coordinator.generationId;
    const calls = [busy.calls.length, other.calls.length];
    const events = busy.events.length;

    // The handler's work: 2.5 session timeouts without progress (no notePoll), the event loop free
    // for heartbeats.
    await sleep(5_000);
    busy.coordinator.notePoll();

    expect(busy.coordinator.generationId).toBe(generation);
    expect([busy.calls.length, other.calls.length]).toEqual(calls);
    expect(busy.events.slice(events)).toEqual([]);
    expect(busy.warnings).toEqual([]);
  }, 20_000);

  it("a consumer's handler running 2.5 session timeouts long keeps its partitions", async () => {
    const topic = await newTopic(4);
    const timings = { ...FAST_GROUP, sessionTimeoutMs: 2_000, maxPollIntervalMs: 20_000 };
    const other = member('busy-consumer', timings);
    await other.start([topic]);
    const handlerStarted = deferred();
    const handlerDone = deferred();
    const consumer = consumerFor(broker.bootstrap, { groupId: 'busy-consumer', ...timings });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async () => {
        handlerStarted.resolve();
        await sleep(5_000); // the handler's work: 2.5 session timeouts
        handlerDone.resolve();
      },
    });
    await other.until(() => other.owned.size === 2);
    const ours = [0, 1, 2, 3].filter((p) => !other.owned.has(name({ topic, partition: p })));
    const otherCalls = other.calls.length;
    const otherEvents = other.events.length;
    const generation = other.coordinator.generationId;

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: ours[0]!, value: 'slow' }] });
    await producer.disconnect();
    await handlerStarted.promise;
    await handlerDone.promise;

    // Had the busy member missed its heartbeats, the group would have rebalanced and given its
    // partitions to the other member.
    expect(other.calls.length).toBe(otherCalls);
    expect(other.coordinator.generationId).toBe(generation);
    expect(other.events.slice(otherEvents)).toEqual([]);
  }, 20_000);

  it('counts the poll interval on the injected clock: the member leaves one millisecond past it, not before', async () => {
    const topic = await newTopic(1);
    const scheduler = new ManualScheduler(Date.now());
    const manual = new RecordingMember(
      broker.bootstrap,
      { groupId: 'manual-clock', ...FAST_GROUP, maxPollIntervalMs: 60_000 },
      {},
      { scheduler },
    );
    members.push(manual);
    await manual.start([topic]);

    scheduler.advance(60_000);
    expect(manual.events.filter((e) => e.type === 'max-poll-interval-exceeded')).toEqual([]);
    scheduler.advance(1);
    expect(manual.events.filter((e) => e.type === 'max-poll-interval-exceeded')).toEqual([
      {
        type: 'max-poll-interval-exceeded',
        groupId: 'manual-clock',
        memberId: expect.any(String),
        sincePollMs: 60_001,
        maxPollIntervalMs: 60_000,
      },
    ]);
    await manual.until(() => manual.owned.size === 0);
  });

  it('a member stalled past maxPollIntervalMs leaves, says so, and rejoins when it makes progress', async () => {
    const topic = await newTopic(4);
    // A session longer than the spec: only its LeaveGroup can hand its partitions over in time.
    const stalled = member('stall', { maxPollIntervalMs: 1_500, sessionTimeoutMs: 30_000 });
    const healthy = member('stall');
    const split = () => splitDisjointly([stalled, healthy], topic, 4) && stalled.owned.size === 2;
    // Until the group is formed, `stalled` makes progress, however long the joins take.
    await progressing(stalled, async () => {
      await stalled.start([topic]);
      await healthy.start([topic]);
      await untilAll([stalled, healthy], split);
    });
    const share = [...stalled.owned].sort();

    // No notePoll from `stalled` from here on: its handlers are stuck.
    await stalled.until(() => stalled.events.some((e) => e.type === 'max-poll-interval-exceeded'));
    const exceeded = stalled.events.find((e) => e.type === 'max-poll-interval-exceeded');
    expect(exceeded).toMatchObject({ groupId: 'stall', maxPollIntervalMs: 1_500 });
    expect((exceeded as { sincePollMs: number }).sincePollMs).toBeGreaterThan(1_500);
    expect(stalled.warnings.join('\n')).toMatch(
      /made no progress for \d+ ms, longer than maxPollIntervalMs \(1500 ms\); it leaves the group/,
    );
    await stalled.until(() => stalled.owned.size === 0);
    expect(stalled.calls.at(-1)).toEqual({ kind: 'lost', partitions: share });
    // LeaveGroup was sent: the healthy member takes everything without waiting out a session.
    await healthy.until(() => healthy.owned.size === 4);

    // Its handlers make progress again, and go on doing so.
    await progressing(stalled, () => untilAll([stalled, healthy], split));
  }, 20_000);
});
