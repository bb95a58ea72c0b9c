import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import type { GroupAssignment, MemberSubscription } from './partition-assignor.js';
import { encodeCooperativeUserData } from './sticky-user-data.js';
import { member, owned, plain, topicPartitions } from './test-support/assignment-fixtures.js';

const assign = (members: MemberSubscription[], counts: Record<string, number>) =>
  cooperativeStickyAssignor.assign({ members, partitionsPerTopic: topicPartitions(counts) });

/** Members as they rejoin after `previous`: each owns what it was given, in generation `generation`. */
const rejoin = (previous: GroupAssignment, members: MemberSubscription[], generation: number) =>
  members.map((m) => ({
    ...m,
    ownedPartitions: previous.get(m.memberId) ?? [],
    userData: encodeCooperativeUserData(generation),
  }));

describe('cooperativeStickyAssignor', () => {
  it('is named cooperative-sticky on the wire and prefers the cooperative protocol', () => {
    expect(cooperativeStickyAssignor.name).toBe('cooperative-sticky');
    expect(cooperativeStickyAssignor.supportedProtocols).toEqual(['cooperative', 'eager']);
  });

  it('assigns a fresh group as the sticky assignor does', () => {
    const consumers = ['c1', 'c2'].map((id) => member(id, ['t0', 't1']));
    expect(plain(assign(consumers, { t0: 3, t1: 3 }))).toEqual({
      c1: { t0: [0, 2], t1: [1] },
      c2: { t0: [1], t1: [0, 2] },
    });
  });

  it('holds back the partitions a joining consumer takes over until their owner has revoked them', () => {
    const counts = { t0: 4 };
    const c1 = member('c1', ['t0'], {
      ownedPartitions: owned({ t0: [0, 1, 2, 3] }),
      userData: encodeCooperativeUserData(1),
    });
    const c2 = member('c2', ['t0']);

    const first = assign([c1, c2], counts);
    expect(plain(first)).toEqual({ c1: { t0: [2, 3] }, c2: {} });

    const second = assign(rejoin(first, [c1, c2], 2), counts);
    expect(plain(second)).toEqual({ c1: { t0: [2, 3] }, c2: { t0: [0, 1] } });
  });

  it('hands the partitions of a consumer that left straight to the others', () => {
    const counts = { orders: 6 };
    const consumers = ['c1', 'c2', 'c3'].map((id) => member(id, ['orders']));
    const three = assign(consumers, counts);
    expect(plain(assign(rejoin(three, consumers.slice(0, 2), 1), counts))).toEqual({
      c1: { orders: [0, 2, 3] },
      c2: { orders: [1, 4, 5] },
    });
  });

  it('moves one of six partitions to a fourth consumer, over two rebalances', () => {
    const counts = { orders: 6 };
    const consumers = ['c1', 'c2', 'c3', 'c4'].map((id) => member(id, ['orders']));
    const three = assign(consumers.slice(0, 3), counts);
    expect(plain(three)).toEqual({ c1: { orders: [0, 3] }, c2: { orders: [1, 4] }, c3: { orders: [2, 5] } });

    const first = assign(rejoin(three, consumers, 1), counts);
    expect(plain(first)).toEqual({
      c1: { orders: [3] },
      c2: { orders: [1, 4] },
      c3: { orders: [2, 5] },
      c4: {},
    });

    const second = assign(rejoin(first, consumers, 2), counts);
    expect(plain(second)).toEqual({ ...plain(first), c4: { orders: [0] } });
  });

  it('lets the owner of the newer generation keep a partition two members claim', () => {
    const counts = { t: 2 };
    const consumers = [
      member('a', ['t'], { ownedPartitions: owned({ t: [0] }), userData: encodeCooperativeUserData(1) }),
      member('b', ['t'], { ownedPartitions: owned({ t: [0] }), userData: encodeCooperativeUserData(2) }),
    ];
    expect(plain(assign(consumers, counts))).toEqual({ a: { t: [1] }, b: { t: [0] } });
  });

  it('holds back a partition two members claim in the same generation until both have let it go', () => {
    const counts = { t: 3 };
    const claim = { ownedPartitions: owned({ t: [0] }), userData: encodeCooperativeUserData(2) };
    const consumers = [member('a', ['t']), member('b', ['t'], claim), member('c', ['t'], claim)];
    expect(plain(assign(consumers, counts))).toEqual({ a: {}, b: { t: [1] }, c: { t: [2] } });
  });

  it('reads a member of unreadable user data as of unknown generation', () => {
    const consumers = [
      member('a', ['t'], { ownedPartitions: owned({ t: [0] }), userData: Buffer.from([1]) }),
      member('b', ['t'], { ownedPartitions: owned({ t: [0] }), userData: encodeCooperativeUserData(0) }),
    ];
    expect(plain(assign(consumers, { t: 2 }))).toEqual({ a: { t: [1] }, b: { t: [0] } });
  });

  it('sends the generation of the last assignment as user data', () => {
    const state = { assignedPartitions: owned({ t: [0] }), generationId: 9 };
    expect(cooperativeStickyAssignor.subscriptionUserData!(state)).toEqual(encodeCooperativeUserData(9));
  });
});
