import fc from 'fast-check';
import type { MemberSubscription, TopicPartitions } from '../partition-assignor.js';
import { encodeCooperativeUserData, encodeStickyUserData } from '../sticky-user-data.js';

/** A group to assign: members 1..8, topics 1..4 of 0..20 partitions, random subscriptions. */
export interface RandomGroup {
  readonly members: MemberSubscription[];
  readonly partitionsPerTopic: Map<string, number>;
}

const TOPICS = ['t0', 't1', 't2', 't3'];

/** Claims of any shape: on missing topics and partitions, overlapping other members' claims. */
const anyClaims = (topics: string[]): fc.Arbitrary<TopicPartitions[]> =>
  fc.array(
    fc.record({
      topic: fc.constantFrom(...topics, 'gone'),
      partitions: fc.uniqueArray(fc.integer({ min: 0, max: 21 }), { maxLength: 6 }),
    }),
    { maxLength: 3 },
  );

/** Null, garbage, or the user data of either sticky assignor. */
const anyUserData = (topics: string[]): fc.Arbitrary<Buffer | null> =>
  fc.oneof(
    fc.constant(null),
    fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
    fc
      .record({ partitions: anyClaims(topics), generation: fc.integer({ min: -1, max: 3 }) })
      .map(encodeStickyUserData),
    fc.integer({ min: -1, max: 3 }).map(encodeCooperativeUserData),
  );

const memberIds = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });

/** Any group, with whatever ownership claims and user data its members may send. */
export const anyGroup: fc.Arbitrary<RandomGroup> = fc.integer({ min: 1, max: 4 }).chain((topicCount) => {
  const topics = TOPICS.slice(0, topicCount);
  const memberArb = (memberId: string): fc.Arbitrary<MemberSubscription> =>
    fc.record({
      memberId: fc.constant(memberId),
      groupInstanceId: fc.option(fc.constantFrom('i1', 'i2', 'i3'), { nil: undefined }),
      topics: fc.subarray([...topics, 'gone'], { minLength: 1 }),
      ownedPartitions: anyClaims(topics),
      userData: anyUserData(topics),
    });
  return fc.record({
    members: memberIds.chain((ids) => fc.tuple(...ids.map(memberArb))),
    partitionsPerTopic: fc
      .tuple(...topics.map(() => fc.integer({ min: 0, max: 20 })))
      .map((counts) => new Map(topics.map((topic, i) => [topic, counts[i]!]))),
  });
});

/**
 * A group whose members all subscribe to every topic and each owns a distinct share of the
 * partitions, as after a rebalance some members have since left or joined (partitions of members
 * that left are owned by nobody), without sticky user data.
 */
export const alikeGroupAfterRebalance: fc.Arbitrary<RandomGroup> = fc
  .integer({ min: 1, max: 4 })
  .chain((topicCount) => {
    const topics = TOPICS.slice(0, topicCount);
    return fc
      .record({
        ids: memberIds,
        counts: fc.tuple(...topics.map(() => fc.integer({ min: 0, max: 20 }))),
      })
      .chain(({ ids, counts }) => {
        const partitions = topics.flatMap((topic, i) =>
          [...Array(counts[i]!).keys()].map((p) => ({ topic, p })),
        );
        // Each partition's previous owner: a member's index, or ids.length for one who left.
        return fc
          .array(fc.integer({ min: 0, max: ids.length }), {
            minLength: partitions.length,
            maxLength: partitions.length,
          })
          .map((ownerOf) => ({
            partitionsPerTopic: new Map(topics.map((topic, i) => [topic, counts[i]!])),
            members: ids.map((memberId, m) => ({
              memberId,
              topics,
              ownedPartitions: topics.map((topic) => ({
                topic,
                partitions: partitions
                  .filter((tp, i) => tp.topic === topic && ownerOf[i] === m)
                  .map((tp) => tp.p),
              })),
            })),
          }));
      });
  });

/** A permutation of the members, to show an assignment does not depend on their order. */
export const shuffled = <T>(items: readonly T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
