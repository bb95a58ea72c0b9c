import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from '../src/consumer/consumer.js';
import { ConsumerStateError } from '../src/consumer/consumer-errors.js';
import type { ConsumerOptions } from '../src/consumer/consumer-options.js';
import { consumerFor, deferred, Progress } from './consumer-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
let count = 0;
const open: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({
    clientId: 'consumer-group-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
});

afterAll(async () => {
  await broker.close();
});

/** A fresh topic with `perPartition` records `p<partition>-<i>` in each partition, and a fresh group name. */
async function fixture(
  partitions: number,
  perPartition: number,
): Promise<{ topic: string; groupId: string }> {
  const topic = `group-${++count}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let partition = 0; partition < partitions; partition++) {
    await producer.send({
      topic,
      messages: Array.from({ length: perPartition }, (_, i) => ({ partition, value: `p${partition}-${i}` })),
    });
  }
  await producer.disconnect();
  return { topic, groupId: `billing-${count}` };
}

function member(groupId: string, options: ConsumerOptions = {}): Consumer {
  const consumer = consumerFor(broker.bootstrap, {
    groupId,
    maxWaitMs: 50,
    heartbeatIntervalMs: 200,
    sessionTimeoutMs: 6_000,
    ...options,
  });
  open.push(consumer);
  return consumer;
}

async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return new Map(offsets!.partitions.map(({ partition, offset }) => [partition, BigInt(offset)]));
}

describe('Consumer in a group', () => {
  it('commits manually, and a later member resumes exactly at the committed offset', async () => {
    const { topic, groupId } = await fixture(1, 10);
    const first = member(groupId, { autoCommit: false });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    const reachedFour = deferred();
    await first.run({
      eachMessage: async ({ message }) => {
        if (message.offset === 4n) reachedFour.resolve();
      },
    });
    await reachedFour.promise;
    await first.commitOffsets([{ topic, partition: 0, offset: 5n }]);
    await first.disconnect();
    expect((await committedOffsets(groupId, topic)).get(0)).toBe(5n);

    const second = member(groupId);
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    const offsets: bigint[] = [];
    const done = deferred();
    await second.run({
      eachMessage: async ({ message }) => {
        offsets.push(message.offset);
        if (message.offset === 9n) done.resolve();
      },
    });
    await done.promise;
    expect(offsets).toEqual([5n, 6n, 7n, 8n, 9n]);
  });

  it('auto commit never passes a record whose handler has not returned', async () => {
    const { topic, groupId } = await fixture(1, 20);
    const consumer = member(groupId, { autoCommitIntervalMs: 20 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const stuck = deferred();
    const release = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.offset === 7n) {
          stuck.resolve();
          await release.promise;
        }
      },
    });
    const commits: bigint[] = [];
    const committedSeven = deferred();
    consumer.on('commit', ({ offsets }) => {
      for (const { offset } of offsets) commits.push(offset);
      if (offsets.some(({ offset }) => offset === 7n)) committedSeven.resolve();
    });
    await stuck.promise;
    // An auto commit while offset 7 is in its handler carries 7: everything before it, not it.
    await committedSeven.promise;
    expect((await committedOffsets(groupId, topic)).get(0)).toBe(7n);
    release.resolve();
    // disconnect() lets the handler of 7 finish, hands over nothing more, and commits 8.
    await consumer.disconnect();
    expect(commits.every((offset) => offset <= 8n)).toBe(true);
    expect(commits.at(-1)).toBe(8n);
    expect((await committedOffsets(groupId, topic)).get(0)).toBe(8n);
  });

  it('disconnect() commits what was handled and leaves, so the next member takes over at once', async () => {
    const { topic, groupId } = await fixture(2, 5);
    const first = member(groupId, { autoCommitIntervalMs: 60_000 });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    let handled = 0;
    const all = deferred();
    await first.run({
      eachMessage: async () => {
        if (++handled === 10) all.resolve();
      },
    });
    await all.promise;
    await first.disconnect();
    const committed = await committedOffsets(groupId, topic);
    expect([committed.get(0), committed.get(1)]).toEqual([5n, 5n]);
  });

  it('hands partitions over when a second member joins; between them they handle every record', async () => {
    const { topic, groupId } = await fixture(4, 50);
    const seen: string[] = [];
    const progress = new Progress();
    const handler = async ({ message }: { message: { value: Buffer | null } }) => {
      seen.push(message.value!.toString());
      progress.notify();
    };
    const first = member(groupId, { autoCommitIntervalMs: 50 });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({ eachMessage: handler });
    await progress.until(() => seen.length >= 20);
    const second = member(groupId, { autoCommitIntervalMs: 50 });
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({ eachMessage: handler });
    await progress.until(() => new Set(seen).size === 200);
    // Both own something after the rebalance, and between them own every partition.
    const owned = [...first.assignment(), ...second.assignment()].map((tp) => tp.partition).sort();
    expect(first.assignment().length).toBeGreaterThan(0);
    expect(second.assignment().length).toBeGreaterThan(0);
    expect(owned).toEqual([0, 1, 2, 3]);
  });

  it('an idle member outlives maxPollIntervalMs: only stalled handlers count, not an empty topic', async () => {
    const { topic, groupId } = await fixture(1, 0);
    const consumer = member(groupId, { maxPollIntervalMs: 900, rebalanceTimeoutMs: 5_000 });
    const events: string[] = [];
    consumer.on('group', (event) => events.push(event.type));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = deferred<string>();
    await consumer.run({ eachMessage: async ({ message }) => got.resolve(message.value!.toString()) });
    await sleep(2_500); // nothing to consume for almost three poll intervals
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'late' }] });
    await producer.disconnect();
    expect(await got.promise).toBe('late');
    expect(events).toEqual(['group-join']);
  });

  it('leaving the batches() loop commits the batches before, not the one it was on', async () => {
    const { topic, groupId } = await fixture(1, 0);
    const producer = kafka.producer();
    await producer.connect();
    for (let send = 0; send < 3; send++) {
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${send}-${i}` })),
      });
    }
    await producer.disconnect();
    const consumer = member(groupId, { maxPartitionFetchBytes: 1 }); // one record batch per Fetch
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const lastOffsets: bigint[] = [];
    for await (const batch of consumer.batches()) {
      lastOffsets.push(batch.lastOffset());
      if (lastOffsets.length === 2) break;
    }
    const committed = (await committedOffsets(groupId, topic)).get(0);
    expect(lastOffsets[1]!).toBeGreaterThan(lastOffsets[0]!);
    expect(committed).toBe(lastOffsets[0]! + 1n);
  });

  it('a handler stops its consumer with disconnect() not awaited: nothing after that record is handled', async () => {
    const { topic, groupId } = await fixture(1, 20);
    const consumer = member(groupId);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const handled: bigint[] = [];
    const disconnected = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        handled.push(message.offset);
        if (message.offset === 4n) void consumer.disconnect().then(() => disconnected.resolve());
      },
    });
    await disconnected.promise;
    expect(handled).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect((await committedOffsets(groupId, topic)).get(0)).toBe(5n);
  });

  it('refuses subscribe() without a groupId and commitOffsets() outside a group, naming what is missing', async () => {
    const consumer = consumerFor(broker.bootstrap);
    open.push(consumer);
    await expect(consumer.subscribe({ topic: 'x' })).rejects.toThrow(ConsumerStateError);
    await expect(consumer.commitOffsets([{ topic: 'x', partition: 0, offset: 1n }])).rejects.toThrow(
      /needs a running group member/,
    );
  });
});
