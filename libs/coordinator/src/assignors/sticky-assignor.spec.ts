import type { MemberSubscription } from './partition-assignor.js';
import { stickyAssignor } from './sticky-assignor.js';
import { encodeStickyUserData } from './sticky-user-data.js';
import { changedOwner, member, owned, plain, topicPartitions } from './test-support/assignment-fixtures.js';

const assign = (members: MemberSubscription[], counts: Record<string, number>) =>
  stickyAssignor.assign({ members, partitionsPerTopic: topicPartitions(counts) });

/** Members as they rejoin after `previous`: each claims what it was given, in sticky user data. */
const rejoin = (previous: ReturnType<typeof assign>, members: MemberSubscription[], generation = 1) =>
  members.map((m) => ({
    ...m,
    userData: encodeStickyUserData({ partitions: previous.get(m.memberId) ?? [], generation }),
  }));

const stickyClaim = (partitions: Record<string, number[]>, generation: number) => ({
  userData: encodeStickyUserData({ partitions: owned(partitions), generation }),
});

describe('stickyAssignor', () => {
  it('is named sticky on the wire and follows the eager protocol', () => {
    expect(stickyAssignor.name).toBe('sticky');
    expect(stickyAssignor.supportedProtocols).toEqual(['eager']);
  });

  describe('a group starting fresh', () => {
    it('gives the only consumer every partition of its topics', () => {
      expect(
        plain(assign([member('consumer', ['topic1', 'topic2'])], { topic1: 1, topic2: 2, other: 3 })),
      ).toEqual({
        consumer: { topic1: [0], topic2: [0, 1] },
      });
    });

    it('leaves a consumer idle when there are more consumers than partitions', () => {
      expect(
        plain(assign([member('consumer1', ['topic']), member('consumer2', ['topic'])], { topic: 1 })),
      ).toEqual({
        consumer1: { topic: [0] },
        consumer2: {},
      });
    });

    it('deals alike subscriptions round-robin', () => {
      const consumers = ['consumer1', 'consumer2'].map((id) => member(id, ['topic1', 'topic2']));
      expect(plain(assign(consumers, { topic1: 3, topic2: 3 }))).toEqual({
        consumer1: { topic1: [0, 2], topic2: [1] },
        consumer2: { topic1: [1], topic2: [0, 2] },
      });
    });

    it('serves the partitions the fewest consumers can take first', () => {
      const consumers = [
        member('consumer1', ['topic1']),
        member('consumer2', ['topic1', 'topic2']),
        member('consumer3', ['topic1']),
      ];
      expect(plain(assign(consumers, { topic1: 3, topic2: 2 }))).toEqual({
        consumer1: { topic1: [0, 2] },
        consumer2: { topic2: [0, 1] },
        consumer3: { topic1: [1] },
      });
    });

    it('balances the mixed subscriptions round-robin handles poorly', () => {
      const all = ['topic1', 'topic2', 'topic3', 'topic4', 'topic5'];
      const odd = ['topic1', 'topic3', 'topic5'];
      const consumers = [
        member('consumer1', all),
        member('consumer2', odd),
        member('consumer3', odd),
        member('consumer4', all),
      ];
      expect(plain(assign(consumers, { topic1: 2, topic2: 1, topic3: 2, topic4: 1, topic5: 2 }))).toEqual({
        consumer1: { topic2: [0], topic3: [0] },
        consumer2: { topic1: [0], topic3: [1] },
        consumer3: { topic1: [1], topic5: [0] },
        consumer4: { topic4: [0], topic5: [1] },
      });
    });
  });

  describe('a rebalance', () => {
    it('moves only the partitions of the consumer that left (StickyAssignor example 1)', () => {
      const topics = ['t0', 't1', 't2', 't3'];
      const counts = { t0: 2, t1: 2, t2: 2, t3: 2 };
      const first = assign(
        ['C0', 'C1', 'C2'].map((id) => member(id, topics)),
        counts,
      );
      expect(plain(first)).toEqual({
        C0: { t0: [0], t1: [1], t3: [0] },
        C1: { t0: [1], t2: [0], t3: [1] },
        C2: { t1: [0], t2: [1] },
      });
      const second = assign(rejoin(first, [member('C0', topics), member('C2', topics)]), counts);
      expect(plain(second)).toEqual({
        C0: { t0: [0], t1: [1], t2: [0], t3: [0] },
        C2: { t0: [1], t1: [0], t2: [1], t3: [1] },
      });
    });

    it('keeps partitions put where round-robin would move them (StickyAssignor example 2)', () => {
      const counts = { t0: 1, t1: 2, t2: 3 };
      const c1 = member('C1', ['t0', 't1']);
      const c2 = member('C2', ['t0', 't1', 't2']);
      const first = assign([member('C0', ['t0']), c1, c2], counts);
      expect(plain(first)).toEqual({ C0: { t0: [0] }, C1: { t1: [0, 1] }, C2: { t2: [0, 1, 2] } });
      expect(plain(assign(rejoin(first, [c1, c2]), counts))).toEqual({
        C1: { t0: [0], t1: [0, 1] },
        C2: { t2: [0, 1, 2] },
      });
    });

    it('moves two of six partitions when one of three consumers leaves, and one when a fourth joins', () => {
      const counts = { orders: 6 };
      const consumers = ['c1', 'c2', 'c3', 'c4'].map((id) => member(id, ['orders']));
      const three = assign(consumers.slice(0, 3), counts);
      expect(plain(three)).toEqual({
        c1: { orders: [0, 3] },
        c2: { orders: [1, 4] },
        c3: { orders: [2, 5] },
      });

      const afterLeave = assign(rejoin(three, consumers.slice(0, 2)), counts);
      expect(changedOwner(three, afterLeave)).toEqual(['orders/2', 'orders/5']);

      const afterJoin = assign(rejoin(three, consumers), counts);
      expect(changedOwner(three, afterJoin)).toHaveLength(1);
      expect(plain(afterJoin).c4).toEqual({ orders: [0] });
    });

    it('hands a joining consumer partitions from the one that had them all', () => {
      const first = assign([member('consumer', ['topic'])], { topic: 3 });
      const second = assign(rejoin(first, [member('consumer', ['topic']), member('consumer2', ['topic'])]), {
        topic: 3,
      });
      expect(plain(second)).toEqual({ consumer: { topic: [1, 2] }, consumer2: { topic: [0] } });
    });

    it('rebalances with a partition just assigned rather than one that stayed with its owner', () => {
      // a keeps t1p0 and is dealt t1p1 and t0p4; b, holding two fewer, takes one of a's t1 partitions.
      const consumers = [
        member('a', ['t0', 't1'], { ownedPartitions: owned({ t1: [0] }) }),
        member('b', ['t1', 't2']),
        member('c', ['t0']),
        member('d', ['t0']),
      ];
      expect(plain(assign(consumers, { t0: 5, t1: 2, t2: 1 }))).toEqual({
        a: { t0: [4], t1: [0] },
        b: { t1: [1], t2: [0] },
        c: { t0: [0, 2] },
        d: { t0: [1, 3] },
      });
    });

    it('takes previous ownership from ownedPartitions when a member sends no sticky user data', () => {
      const consumers = [
        member('c1', ['topic'], { ownedPartitions: owned({ topic: [2, 3] }) }),
        member('c2', ['topic'], { ownedPartitions: owned({ topic: [0, 1] }) }),
      ];
      expect(plain(assign(consumers, { topic: 4 }))).toEqual({
        c1: { topic: [2, 3] },
        c2: { topic: [0, 1] },
      });
    });

    it('reassigns what a member claims of a topic it no longer subscribes to, or that no longer exists', () => {
      const consumers = [
        member('c1', ['t1'], stickyClaim({ t0: [0, 1], t1: [1], gone: [0] }, 3)),
        member('c2', ['t0', 't1'], stickyClaim({ t1: [0, 7] }, 3)),
      ];
      expect(plain(assign(consumers, { t0: 2, t1: 3 }))).toEqual({
        c1: { t1: [1, 2] },
        c2: { t0: [0, 1], t1: [0] },
      });
    });
  });

  describe('conflicting claims', () => {
    // a claims nothing; b and c both claim p0, so what a gets shows who kept p0.
    const group = (b: number | null, c: number | null) => {
      const claim = (generation: number | null) =>
        generation === null ? { ownedPartitions: owned({ t: [0] }) } : stickyClaim({ t: [0] }, generation);
      return plain(
        assign([member('a', ['t']), member('b', ['t'], claim(b)), member('c', ['t'], claim(c))], { t: 3 }),
      );
    };

    it('are won by the claim of the higher generation', () => {
      expect(group(3, 2)).toEqual({ a: { t: [1] }, b: { t: [0] }, c: { t: [2] } });
      expect(group(2, 3)).toEqual({ a: { t: [1] }, b: { t: [2] }, c: { t: [0] } });
    });

    it('lose to any generation when ownership comes without one', () => {
      expect(group(null, 0)).toEqual({ a: { t: [1] }, b: { t: [2] }, c: { t: [0] } });
    });

    it('in the same generation leave the partition to be assigned afresh', () => {
      expect(group(2, 2)).toEqual({ a: { t: [0] }, b: { t: [1] }, c: { t: [2] } });
      expect(group(null, null)).toEqual({ a: { t: [0] }, b: { t: [1] }, c: { t: [2] } });
    });
  });

  describe('subscription user data', () => {
    it('is absent before the member has an assignment', () => {
      expect(stickyAssignor.subscriptionUserData!({ assignedPartitions: null, generationId: -1 })).toBeNull();
    });

    it('carries the last assignment and its generation to the next rebalance', () => {
      const userData = stickyAssignor.subscriptionUserData!({
        assignedPartitions: owned({ t: [1, 2] }),
        generationId: 4,
      });
      const consumers = [member('a', ['t']), member('b', ['t'], { userData })];
      expect(plain(assign(consumers, { t: 3 }))).toEqual({ a: { t: [0] }, b: { t: [1, 2] } });
    });
  });
});
