import { compareStrings } from './member-order.js';
import type { GroupAssignment, MemberSubscription } from './partition-assignor.js';

/** One partition given to one member. */
export interface PartitionGrant {
  readonly memberId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * The {@link GroupAssignment} of `grants`: every member of `memberIds` in that order, each with
 * its partitions grouped by topic, topics by name, partitions ascending.
 */
export function collectAssignment(
  memberIds: readonly string[],
  grants: Iterable<PartitionGrant>,
): GroupAssignment {
  const byMember = new Map<string, Map<string, number[]>>(memberIds.map((id) => [id, new Map()]));
  for (const { memberId, topic, partition } of grants) {
    const topics = byMember.get(memberId)!;
    const partitions = topics.get(topic);
    if (partitions) partitions.push(partition);
    else topics.set(topic, [partition]);
  }
  const assignment: GroupAssignment = new Map();
  for (const [memberId, topics] of byMember) {
    assignment.set(
      memberId,
      [...topics.keys()]
        .sort(compareStrings)
        .map((topic) => ({ topic, partitions: topics.get(topic)!.sort((a, b) => a - b) })),
    );
  }
  return assignment;
}

/** The topics some member subscribes to that have at least one partition, by name. */
export function subscribedTopics(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): string[] {
  const topics = new Set<string>();
  for (const member of members) {
    for (const topic of member.topics) {
      if ((partitionsPerTopic.get(topic) ?? 0) > 0) topics.add(topic);
    }
  }
  return [...topics].sort(compareStrings);
}
