import { Kafka, logLevel } from 'kafkajs';
import {
  CommitFailedError,
  GroupMembershipError,
  RebalanceInProgressError,
} from '../src/consumer/group/group-errors.js';
import { deferred } from './consumer-helpers.js';
import { FAST_GROUP, RecordingMember, splitDisjointly, untilAll } from './group-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
let count = 0;
const members: RecordingMember[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 1_000 });
  kafka = new Kafka({
    clientId: 'group-membership-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterEach(async () => {
  await Promise.all(members.splice(0).map((member) => member.stop()));
});

afterAll(async () => {
  await broker.close();
});

async function newTopic(partitions: number): Promise<string> {
  const topic = `group-${++count}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

function member(groupId: string, options: Partial<ConstructorParameters<typeof RecordingMember>[1]> = {}) {
  const created = new RecordingMember(broker.bootstrap, { groupId, ...FAST_GROUP, ...options });
  members.push(created);
  return created;
}

describe('ConsumerCoordinator in a group (eager, the default range assignor)', () => {
  it('two members split the partitions disjointly; a third joining rebalances the group', async () => {
    const topic = await newTopic(6);
    const [a, b, c] = [member('split'), member('split'), member('split')];
    await a.start([topic]);
    expect([...a.owned].sort()).toHaveLength(6);
    await b.start([topic]);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 6) && a.owned.size === 3);
    const generationBefore = b.coordinator.generationId;

    await c.start([topic]);
    await untilAll(
      [a, b, c],
      () => splitDisjointly([a, b, c], topic, 6) && a.owned.size === 2 && b.owned.size === 2,
    );
    expect(c.coordinator.generationId).toBeGreaterThan(generationBefore);
    expect(a.coordinator.generationId).toBe(c.coordinator.generationId);
    expect(a.events.find((e) => e.type === 'group-join' && e.isLeader)).toBeDefined();
  });

  it('eager range revokes everything a member owns before it rejoins', async () => {
    const topic = await newTopic(4);
    const [a, b] = [member('eager'), member('eager')];
    await a.start([topic]);
    await b.start([topic]);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 4));
    // a owned all four; the rebalance revoked all four, then assigned its new share.
    expect(a.calls.map(({ kind }) => kind)).toEqual(['assigned', 'revoked', 'assigned']);
    expect(a.calls[1]!.partitions).toEqual([`${topic}:0`, `${topic}:1`, `${topic}:2`, `${topic}:3`]);
    // Range deals contiguous ranges in member-id order: a has one half, whichever its id sorts to.
    expect([
      [`${topic}:0`, `${topic}:1`],
      [`${topic}:2`, `${topic}:3`],
    ]).toContainEqual(a.calls[2]!.partitions);
  });

  it('a member that leaves gives its partitions to the survivor', async () => {
    const topic = await newTopic(4);
    // b's session outlasts the spec: only its LeaveGroup can hand its partitions over in time.
    const [a, b] = [member('leave'), member('leave', { sessionTimeoutMs: 30_000 })];
    await a.start([topic]);
    await b.start([topic]);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 4) && a.owned.size === 2);
    const leaving = [...b.owned];
    await b.stop();
    expect(b.calls.at(-1)).toEqual({ kind: 'revoked', partitions: leaving.sort() });
    // LeaveGroup: the survivor does not wait out b's session timeout.
    await a.until(() => a.owned.size === 4);
  });
});

describe('new partitions', () => {
  it('the leader rebalances the group when a subscribed topic gains partitions', async () => {
    const topic = await newTopic(2);
    const fresh = { metadataMaxAgeMs: 200 };
    const a = new RecordingMember(broker.bootstrap, { groupId: 'grow', ...FAST_GROUP }, {}, fresh);
    const b = new RecordingMember(broker.bootstrap, { groupId: 'grow', ...FAST_GROUP }, {}, fresh);
    members.push(a, b);
    await a.start([topic]);
    await b.start([topic]);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 2) && a.owned.size === 1);

    const admin = kafka.admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    await admin.disconnect();

    await untilAll([a, b], () => splitDisjointly([a, b], topic, 4) && a.owned.size === 2);
    const leader = [a, b].find((m) => m.events.some((e) => e.type === 'group-join' && e.isLeader))!;
    expect(
      leader.events.find((e) => e.type === 'rebalancing' && /has 4 partitions/.test(e.reason)),
    ).toMatchObject({
      reason: `topic '${topic}' has 4 partitions, the assignment was made for 2`,
    });
  });
});

describe('ConsumerCoordinator with sticky (eager, previous assignment in user data)', () => {
  it('when a member leaves, the others keep what they had and only its partitions move', async () => {
    const topic = await newTopic(6);
    const options = { partitionAssigners: ['sticky'] };
    const [a, b, c] = [member('sticky', options), member('sticky', options), member('sticky', options)];
    await a.start([topic]);
    await b.start([topic]);
    await c.start([topic]);
    await untilAll(
      [a, b, c],
      () => splitDisjointly([a, b, c], topic, 6) && a.owned.size === 2 && b.owned.size === 2,
    );
    const [aBefore, bBefore] = [new Set(a.owned), new Set(b.owned)];

    await c.stop();
    members.splice(members.indexOf(c), 1);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 6) && a.owned.size === 3);
    // Eager: everything was revoked, and the assignor, reading each member's previous assignment
    // from its user data, gave it all back, plus a share of c's.
    for (const tp of aBefore) expect(a.owned.has(tp)).toBe(true);
    for (const tp of bBefore) expect(b.owned.has(tp)).toBe(true);
  });
});

describe('ConsumerCoordinator with cooperative-sticky (incremental cooperative rebalancing)', () => {
  it('revokes only the partitions that move, in a second rebalance, and never the ones it keeps', async () => {
    const topic = await newTopic(4);
    const options = { partitionAssigners: ['cooperative-sticky'] };
    const [a, b] = [member('cooperative', options), member('cooperative', options)];
    await a.start([topic]);
    const all = [...a.owned].sort();
    expect(all).toHaveLength(4);
    await b.start([topic]);
    await untilAll(
      [a, b],
      () => splitDisjointly([a, b], topic, 4) && a.owned.size === 2 && b.owned.size === 2,
    );

    const kept = [...a.owned];
    const moved = all.filter((tp) => !a.owned.has(tp));
    // a: assigned all, revoked exactly the two that moved, and was never told to add or drop the rest.
    expect(a.calls.filter(({ kind }) => kind === 'revoked')).toEqual([
      { kind: 'revoked', partitions: moved },
    ]);
    expect(a.calls.filter(({ kind }) => kind === 'lost')).toEqual([]);
    for (const call of a.calls.slice(1)) for (const tp of kept) expect(call.partitions).not.toContain(tp);
    // b got nothing in the first rebalance (a still owned them) and the moved pair in the second.
    const bAssigned = b.calls.filter(({ kind }) => kind === 'assigned').map(({ partitions }) => partitions);
    expect(bAssigned.at(-1)).toEqual(moved);
    expect(b.coordinator.generationId).toBe(a.coordinator.generationId);
    expect(a.generations.length).toBeGreaterThanOrEqual(3);
  });
});

describe('static membership', () => {
  it('a static member that restarts with its groupInstanceId keeps its assignment, without a rebalance', async () => {
    const topic = await newTopic(4);
    const a = member('static', { groupInstanceId: 'pod-a' });
    const b = member('static', { groupInstanceId: 'pod-b' });
    await a.start([topic]);
    await b.start([topic]);
    await untilAll([a, b], () => splitDisjointly([a, b], topic, 4) && a.owned.size === 2);
    const generation = a.coordinator.generationId;
    const bShare = [...b.owned].sort();
    const aCalls = a.calls.length;
    const aEvents = a.events.length;

    await b.stop(); // no LeaveGroup: a static member's place is kept for its session
    members.splice(members.indexOf(b), 1);
    const restarted = member('static', { groupInstanceId: 'pod-b' });
    await restarted.start([topic]);

    expect([...restarted.owned].sort()).toEqual(bShare);
    expect(restarted.coordinator.generationId).toBe(generation);
    // The group stayed in its generation, Stable, and a was told nothing.
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups(['static']);
    await admin.disconnect();
    expect(groups[0]).toMatchObject({ state: 'Stable' });
    expect(groups[0]!.members).toHaveLength(2);
    expect(a.coordinator.generationId).toBe(generation);
    expect(a.calls.length).toBe(aCalls);
    expect(a.events.slice(aEvents)).toEqual([]);
  });
});

describe('static membership, fenced', () => {
  it('a second consumer with the same groupInstanceId fences the first, which stops and loses its partitions', async () => {
    const topic = await newTopic(2);
    const first = member('fenced', { groupInstanceId: 'pod-x' });
    await first.start([topic]);
    expect(first.owned.size).toBe(2);
    const second = member('fenced', { groupInstanceId: 'pod-x' });
    await second.start([topic]);
    expect(second.owned.size).toBe(2);

    await first.until(() => first.events.some((e) => e.type === 'member-failed'));
    const failed = first.events.find((e) => e.type === 'member-failed') as { error: Error };
    expect(failed.error).toBeInstanceOf(GroupMembershipError);
    expect(failed.error.message).toMatch(/FENCED_INSTANCE_ID/);
    await first.until(() => first.owned.size === 0);
    expect(first.calls.at(-1)?.kind).toBe('lost');
    await expect(first.coordinator.commitOffsets([{ topic, partition: 0, offset: 1n }])).rejects.toThrow(
      GroupMembershipError,
    );
  });
});

describe('committed offsets', () => {
  it('resume after a restart, and a member out of its generation cannot commit', async () => {
    const topic = await newTopic(2);
    const first = member('offsets');
    await first.start([topic]);
    await first.coordinator.commitOffsets([
      { topic, partition: 0, offset: 42n },
      { topic, partition: 1, offset: 7n, metadata: 'batch 3' },
    ]);
    await first.stop();
    members.splice(members.indexOf(first), 1);
    await expect(first.coordinator.commitOffsets([{ topic, partition: 0, offset: 43n }])).rejects.toThrow(
      CommitFailedError,
    );

    const second = member('offsets');
    await second.start([topic]);
    const committed = await second.coordinator.fetchCommittedOffsets([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    expect(committed).toEqual(
      new Map([
        [`${topic}:0`, 42n],
        [`${topic}:1`, 7n],
      ]),
    );
    const other = await second.coordinator.fetchCommittedOffsets([
      { topic: await newTopic(1), partition: 0 },
    ]);
    expect([...other.values()]).toEqual([-1n]);
  });
});

describe('bad settings and commits mid-rebalance', () => {
  it("a session timeout below the broker's minimum stops the member, naming INVALID_SESSION_TIMEOUT", async () => {
    const topic = await newTopic(1);
    const tooShort = member('too-short', { sessionTimeoutMs: 500, heartbeatIntervalMs: 100 });
    const start = tooShort.start([topic]);
    await expect(start).rejects.toThrow(GroupMembershipError);
    await expect(start).rejects.toThrow(/INVALID_SESSION_TIMEOUT/);
  });

  it('a commit while the member is rejoining is a retriable RebalanceInProgressError, and succeeds after', async () => {
    const topic = await newTopic(2);
    const holding = { on: false, started: deferred(), release: deferred() };
    // An eager member whose revocation is held keeps the rebalance open.
    const eager = new RecordingMember(
      broker.bootstrap,
      { groupId: 'mid-rebalance', ...FAST_GROUP, partitionAssigners: ['cooperative-sticky', 'range'] },
      {
        onPartitionsRevoked: async () => {
          if (!holding.on) return;
          holding.started.resolve();
          await holding.release.promise;
        },
      },
    );
    members.push(eager);
    const cooperative = member('mid-rebalance', { partitionAssigners: ['cooperative-sticky'] });
    await eager.start([topic]);
    await cooperative.start([topic]);
    await untilAll([eager, cooperative], () => splitDisjointly([eager, cooperative], topic, 2));
    const [owned] = [...cooperative.owned];
    const partition = Number(owned!.split(':')[1]);

    holding.on = true;
    const third = member('mid-rebalance', { partitionAssigners: ['cooperative-sticky'] });
    const thirdJoined = third.start([topic]);
    await holding.started.promise;
    await cooperative.until(() => cooperative.events.some((e) => e.type === 'rebalancing'));
    await new Promise((resolve) => setImmediate(resolve)); // its JoinGroup is on the wire now

    const refused = cooperative.coordinator.commitOffsets([{ topic, partition, offset: 1n }]);
    await expect(refused).rejects.toThrow(RebalanceInProgressError);
    await expect(refused).rejects.toMatchObject({ retriable: true });

    holding.release.resolve();
    await thirdJoined;
    await untilAll([eager, cooperative, third], () => splitDisjointly([eager, cooperative, third], topic, 2));
    // In the new generation the same commit goes through.
    await cooperative.coordinator.commitOffsets([{ topic, partition, offset: 1n }]);
    const committed = await cooperative.coordinator.fetchCommittedOffsets([{ topic, partition }]);
    expect(committed.get(`${topic}:${partition}`)).toBe(1n);
  });
});
