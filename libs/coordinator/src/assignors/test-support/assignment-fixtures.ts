import type { GroupAssignment, MemberSubscription, TopicPartitions } from '../partition-assignor.js';

/** Partition counts by topic, e.g. `topicPartitions({ t0: 3, t1: 2 })`. */
export function topicPartitions(counts: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(counts));
}

/** Partitions as `{ topic: [partition, ...] }`, e.g. `owned({ t0: [0, 1] })`. */
export function owned(partitions: Record<string, number[]>): TopicPartitions[] {
  return Object.entries(partitions).map(([topic, ps]) => ({ topic, partitions: ps }));
}

export function member(
  memberId: string,
  topics: string[],
  more: Omit<MemberSubscription, 'memberId' | 'topics'> = {},
): MemberSubscription {
  return { memberId, topics, ...more };
}

/** An assignment as `{ memberId: { topic: [partition, ...] } }`, for readable expectations. */
export function plain(assignment: GroupAssignment): Record<string, Record<string, number[]>> {
  return Object.fromEntries(
    [...assignment].map(([memberId, topics]) => [
      memberId,
      Object.fromEntries(topics.map(({ topic, partitions }) => [topic, [...partitions]])),
    ]),
  );
}

/** The partitions assigned in both `before` and `after` that changed member in between. */
export function changedOwner(before: GroupAssignment, after: GroupAssignment): string[] {
  const ownerBefore = owners(before);
  return [...owners(after)]
    .filter(([key, memberId]) => ownerBefore.has(key) && ownerBefore.get(key) !== memberId)
    .map(([key]) => key)
    .sort();
}

/** Each assigned partition, keyed `topic/partition`, with its member. */
export function owners(assignment: GroupAssignment): Map<string, string> {
  const result = new Map<string, string>();
  for (const [memberId, topics] of assignment) {
    for (const { topic, partitions } of topics) {
      for (const partition of partitions) result.set(`${topic}/${partition}`, memberId);
    }
  }
  return result;
}
