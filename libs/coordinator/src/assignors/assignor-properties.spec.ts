import fc from 'fast-check';
import { ASSIGNORS } from './assignor-registry.js';
import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import type { GroupAssignment, MemberSubscription } from './partition-assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { roundRobinAssignor } from './round-robin-assignor.js';
import { stickyAssignor } from './sticky-assignor.js';
import { owners } from './test-support/assignment-fixtures.js';
import {
  alikeGroupAfterRebalance,
  anyGroup,
  type RandomGroup,
  shuffled,
} from './test-support/group-arbitraries.js';

/** Every partition of every topic some member subscribes to, keyed `topic/partition`. */
function subscribedPartitions({ members, partitionsPerTopic }: RandomGroup): Set<string> {
  const keys = new Set<string>();
  for (const topic of new Set(members.flatMap((m) => m.topics))) {
    for (let p = 0; p < (partitionsPerTopic.get(topic) ?? 0); p++) keys.add(`${topic}/${p}`);
  }
  return keys;
}

/** Each member is listed once, holds only subscribed partitions, each at most once, in order. */
function expectWellFormed(group: RandomGroup, assignment: GroupAssignment): void {
  expect([...assignment.keys()].sort()).toEqual(group.members.map((m) => m.memberId).sort());
  const seen = new Set<string>();
  for (const m of group.members) {
    const topics = assignment.get(m.memberId)!;
    expect(topics.map((t) => t.topic)).toEqual([...new Set(topics.map((t) => t.topic))].sort());
    for (const { topic, partitions } of topics) {
      expect(m.topics).toContain(topic);
      expect(partitions.length).toBeGreaterThan(0);
      expect([...partitions]).toEqual([...new Set(partitions)].sort((a, b) => a - b));
      for (const p of partitions) {
        expect(p).toBeLessThan(group.partitionsPerTopic.get(topic)!);
        expect(seen.has(`${topic}/${p}`)).toBe(false);
        seen.add(`${topic}/${p}`);
      }
    }
  }
}

/** What a member says it owns, keyed `topic/partition`. */
const ownedBy = (m: MemberSubscription) =>
  new Set(
    (m.ownedPartitions ?? []).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}/${p}`)),
  );

const size = (assignment: GroupAssignment, memberId: string, topic?: string) =>
  assignment
    .get(memberId)!
    .filter((t) => topic === undefined || t.topic === topic)
    .reduce((n, t) => n + t.partitions.length, 0);

const sameSubscription = (a: MemberSubscription, b: MemberSubscription) =>
  [...new Set(a.topics)].sort().join() === [...new Set(b.topics)].sort().join();

const eager = ASSIGNORS.filter((a) => a !== cooperativeStickyAssignor);

describe.each(eager.map((a) => [a.name, a] as const))(
  '%s assignor, over random groups',
  (_name, assignor) => {
    it('assigns every subscribed partition to exactly one member subscribed to its topic', () => {
      fc.assert(
        fc.property(anyGroup, (group) => {
          const assignment = assignor.assign(group);
          expectWellFormed(group, assignment);
          expect(new Set(owners(assignment).keys())).toEqual(subscribedPartitions(group));
        }),
      );
    });

    // Kafka's round robin promises balance only when every member subscribes to the same topics:
    // with mixed subscriptions, members subscribed alike can sit at different points of the deal.
    const balancedGroups =
      assignor === roundRobinAssignor
        ? anyGroup.filter((g) => g.members.every((m) => sameSubscription(m, g.members[0]!)))
        : anyGroup;

    it('gives members of the same subscription counts within one of each other', () => {
      fc.assert(
        fc.property(balancedGroups, (group) => {
          const assignment = assignor.assign(group);
          const topics = assignor === rangeAssignor ? [...group.partitionsPerTopic.keys()] : [undefined];
          for (const a of group.members) {
            for (const b of group.members.filter((other) => sameSubscription(a, other))) {
              for (const topic of topics) {
                expect(
                  Math.abs(size(assignment, a.memberId, topic) - size(assignment, b.memberId, topic)),
                ).toBeLessThan(2);
              }
            }
          }
        }),
      );
    });
  },
);

describe.each(ASSIGNORS.map((a) => [a.name, a] as const))('%s assignor', (_name, assignor) => {
  it('gives the same assignment whatever the order of the members', () => {
    fc.assert(
      fc.property(
        anyGroup.chain((group) => fc.tuple(fc.constant(group), shuffled(group.members))),
        ([group, members]) => {
          expect([...assignor.assign({ ...group, members })]).toEqual([...assignor.assign(group)]);
        },
      ),
    );
  });
});

describe('sticky assignor, over random groups', () => {
  it('leaves no member able to take a partition from one holding at least two more', () => {
    fc.assert(
      fc.property(anyGroup, (group) => {
        const assignment = stickyAssignor.assign(group);
        for (const light of group.members) {
          for (const heavy of group.members) {
            if (size(assignment, heavy.memberId) < size(assignment, light.memberId) + 2) continue;
            for (const { topic } of assignment.get(heavy.memberId)!)
              expect(light.topics).not.toContain(topic);
          }
        }
      }),
    );
  });

  it('moves no more partitions than balance requires when subscriptions are alike', () => {
    fc.assert(
      fc.property(alikeGroupAfterRebalance, (group) => {
        const assignment = stickyAssignor.assign(group);
        const total = subscribedPartitions(group).size;
        const quota = Math.floor(total / group.members.length);
        // The members owning most may keep quota + 1; as many as the partitions left over.
        const kept = group.members.map((m) => ownedBy(m).size).sort((a, b) => b - a);
        const extras = total % group.members.length;
        const leastMoves = kept.reduce((n, k, i) => n + Math.max(0, k - quota - (i < extras ? 1 : 0)), 0);
        const after = owners(assignment);
        const moved = group.members.flatMap((m) =>
          [...ownedBy(m)].filter((key) => after.get(key) !== m.memberId),
        );
        expect(moved).toHaveLength(leastMoves);
      }),
    );
  });
});

describe('cooperative-sticky assignor, over random groups', () => {
  const ownedBy = (m: MemberSubscription) =>
    new Set(
      (m.ownedPartitions ?? []).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}/${p}`)),
    );

  it('never gives a member a partition another member still owns', () => {
    fc.assert(
      fc.property(anyGroup, (group) => {
        const assignment = cooperativeStickyAssignor.assign(group);
        expectWellFormed(group, assignment);
        for (const [key, memberId] of owners(assignment)) {
          const taker = group.members.find((m) => m.memberId === memberId)!;
          if (ownedBy(taker).has(key)) continue;
          for (const other of group.members) expect(ownedBy(other).has(key)).toBe(false);
        }
      }),
    );
  });

  it('gives what the sticky assignor would, less only partitions some member still owns', () => {
    fc.assert(
      fc.property(anyGroup, (group) => {
        // Without user data both assignors read the same claims: ownedPartitions, generation unknown.
        const members = group.members.map((m) => ({ ...m, userData: null }));
        const cooperative = owners(cooperativeStickyAssignor.assign({ ...group, members }));
        const target = owners(stickyAssignor.assign({ ...group, members }));
        const stillOwned = new Set(members.flatMap((m) => [...ownedBy(m)]));
        for (const [key, memberId] of target) {
          if (cooperative.has(key)) expect(cooperative.get(key)).toBe(memberId);
          else expect(stillOwned.has(key)).toBe(true);
        }
        expect(cooperative.size).toBeLessThanOrEqual(target.size);
      }),
    );
  });

  it('completes a rebalance of alike subscriptions in a follow-up round', () => {
    fc.assert(
      fc.property(alikeGroupAfterRebalance, (group) => {
        const first = cooperativeStickyAssignor.assign(group);
        const rejoined = group.members.map((m) => ({ ...m, ownedPartitions: first.get(m.memberId)! }));
        const second = cooperativeStickyAssignor.assign({ ...group, members: rejoined });
        expect(new Set(owners(second).keys())).toEqual(subscribedPartitions(group));
        for (const [key, memberId] of owners(first)) expect(owners(second).get(key)).toBe(memberId);
      }),
    );
  });
});
