import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { GroupMembershipError } from '../src/consumer/group/group-errors.js';
import { FAST_GROUP, RecordingMember } from './group-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

/**
 * kafkajs and our consumers in one group. kafkajs's only built-in assignor advertises the protocol
 * name `RoundRobinAssigner` (Java and librdkafka say `roundrobin`), so our members list that name
 * to share a group with kafkajs members on their default configuration.
 */

let broker: TestBroker;
let kafka: Kafka;
let count = 0;
const ours: RecordingMember[] = [];
const theirs: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 1_000 });
  kafka = new Kafka({
    clientId: 'group-kafkajs-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterEach(async () => {
  await Promise.all([...ours.splice(0).map((m) => m.stop()), ...theirs.splice(0).map((c) => c.disconnect())]);
});

afterAll(async () => {
  await broker.close();
});

async function newTopic(partitions: number): Promise<string> {
  const topic = `mixed-${++count}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** A kafkajs member on its default assignor; `owned` follows its GROUP_JOIN events. */
async function kafkajsMember(groupId: string, topic: string, changed: () => void) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: FAST_GROUP.sessionTimeoutMs,
    rebalanceTimeout: FAST_GROUP.rebalanceTimeoutMs,
    heartbeatInterval: FAST_GROUP.heartbeatIntervalMs,
    maxWaitTimeInMs: 100,
  });
  theirs.push(consumer);
  const state = { owned: new Set<string>(), protocol: '' };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    state.owned = new Set((payload.memberAssignment[topic] ?? []).map((p) => `${topic}:${p}`));
    state.protocol = payload.groupProtocol;
    changed();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
  return state;
}

/** Resolves once `condition` holds, re-checked at every `check()`. */
function watch(condition: () => boolean) {
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const check = () => {
    if (condition()) resolve();
  };
  return { done, check };
}

function ourMember(groupId: string, partitionAssigners: string[]) {
  const member = new RecordingMember(broker.bootstrap, { groupId, ...FAST_GROUP, partitionAssigners });
  ours.push(member);
  return member;
}

describe('a group of kafkajs and Runnel consumers', () => {
  it.each([
    ['kafkajs joins first and leads', true],
    ['ours joins first and leads', false],
  ])('splits the partitions when both use RoundRobinAssigner: %s', async (_, kafkajsFirst) => {
    const topic = await newTopic(6);
    const groupId = `mixed-${kafkajsFirst ? 'kafkajs' : 'ours'}-leads`;
    const member = ourMember(groupId, ['RoundRobinAssigner']);
    let them: Awaited<ReturnType<typeof kafkajsMember>> | undefined;
    const split = watch(() => {
      if (them === undefined) return false;
      const all = [...member.owned, ...them.owned];
      return member.owned.size === 3 && them.owned.size === 3 && new Set(all).size === 6;
    });
    member.coordinator.onEvent(split.check);
    if (kafkajsFirst) {
      them = await kafkajsMember(groupId, topic, split.check);
      await member.start([topic]);
    } else {
      await member.start([topic]);
      them = await kafkajsMember(groupId, topic, split.check);
    }
    split.check();
    await split.done;
    expect(them.protocol).toBe('RoundRobinAssigner');
    const join = member.events.filter((e) => e.type === 'group-join').at(-1);
    expect(join).toMatchObject({ protocol: 'RoundRobinAssigner', isLeader: !kafkajsFirst });
  });

  it("refuses to join a kafkajs group on Java's assignor names, naming the broker's error", async () => {
    const topic = await newTopic(2);
    await kafkajsMember('mismatch', topic, () => {});
    const member = ourMember('mismatch', ['range', 'cooperative-sticky']);
    const failure = member.start([topic]);
    await expect(failure).rejects.toThrow(GroupMembershipError);
    await expect(failure).rejects.toThrow(/INCONSISTENT_GROUP_PROTOCOL/);
    expect(member.events.some((e) => e.type === 'member-failed')).toBe(true);
  });
});
