import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from '../src/consumer/consumer.js';
import { consumerFor, deferred, Progress } from './consumer-helpers.js';
import { FAST_GROUP, name, RecordingMember } from './group-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
const members: RecordingMember[] = [];
let consumer: Consumer | undefined;

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 1_000 });
  kafka = new Kafka({
    clientId: 'group-cooperative-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await Promise.all(members.map((member) => member.stop()));
  await broker.close();
});

async function produce(topic: string, partitions: number[], value: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: partitions.map((partition) => ({ partition, value })) });
  await producer.disconnect();
}

describe('a Runnel consumer on cooperative-sticky during a rebalance', () => {
  it('keeps consuming the partitions it keeps while the rebalance is still under way', async () => {
    const topic = 'cooperative-orders';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    await admin.disconnect();
    const groupId = 'cooperative-consumer';

    // An eager member on the same assignor (an upgrade in progress: it also lists range). Its
    // revocation can be held, and the coordinator must wait for it to rejoin: that holds the
    // rebalance open for as long as the spec needs.
    let holdRevocation = false;
    const revocationStarted = deferred();
    const releaseRevocation = deferred();
    const eager = new RecordingMember(
      broker.bootstrap,
      { groupId, ...FAST_GROUP, partitionAssigners: ['cooperative-sticky', 'range'] },
      {
        onPartitionsRevoked: async () => {
          if (!holdRevocation) return;
          revocationStarted.resolve();
          await releaseRevocation.promise;
        },
      },
    );
    members.push(eager);
    await eager.start([topic]);

    const received: { partition: number; value: string }[] = [];
    const progress = new Progress();
    consumer = consumerFor(broker.bootstrap, {
      groupId,
      ...FAST_GROUP,
      partitionAssigners: ['cooperative-sticky'],
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({ partition, value: message.value!.toString() });
        progress.notify();
      },
    });
    await eager.until(() => eager.owned.size === 2);
    const ours = [0, 1, 2, 3].filter((p) => !eager.owned.has(name({ topic, partition: p })));
    expect(ours).toHaveLength(2);

    // A third member joins; the eager member's revocation is held, so the rebalance cannot end.
    holdRevocation = true;
    const third = new RecordingMember(broker.bootstrap, {
      groupId,
      ...FAST_GROUP,
      partitionAssigners: ['cooperative-sticky'],
    });
    members.push(third);
    const thirdJoined = third.start([topic]);
    await revocationStarted.promise;

    await produce(topic, ours, 'during-rebalance');
    await progress.until(() => received.filter(({ value }) => value === 'during-rebalance').length === 2);
    expect(
      received
        .filter(({ value }) => value === 'during-rebalance')
        .map(({ partition }) => partition)
        .sort(),
    ).toEqual(ours);
    // Still under way: the third member has no assignment yet.
    expect(third.calls).toEqual([]);

    releaseRevocation.resolve();
    await thirdJoined;
    await third.until(() => third.owned.size >= 1);
  });
});
