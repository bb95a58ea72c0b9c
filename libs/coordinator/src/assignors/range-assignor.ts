import { collectAssignment, type PartitionGrant, subscribedTopics } from './group-assignment.js';
import { sortMembers } from './member-order.js';
import type { AssignmentInput, GroupAssignment, PartitionAssignor } from './partition-assignor.js';

/**
 * Kafka's RangeAssignor (`range`), topic by topic: the topic's partitions in order are cut into
 * contiguous ranges, one per subscribed member in member order; with `n` partitions and `m`
 * members each gets `floor(n / m)` and the first `n % m` get one more. Balanced per topic only:
 * with several topics the first members carry the extras of every topic.
 *
 * Two consumers, topics t0 and t1 of 3 partitions each: C0 gets t0 [0, 1] and t1 [0, 1]; C1 gets
 * t0 [2] and t1 [2].
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  supportedProtocols: ['eager'],
  assign: assignRange,
};

function assignRange({ members, partitionsPerTopic }: AssignmentInput): GroupAssignment {
  const sorted = sortMembers(members);
  const grants: PartitionGrant[] = [];
  for (const topic of subscribedTopics(sorted, partitionsPerTopic)) {
    const consumers = sorted.filter((member) => member.topics.includes(topic));
    const count = partitionsPerTopic.get(topic)!;
    const base = Math.floor(count / consumers.length);
    const withExtra = count % consumers.length;
    consumers.forEach(({ memberId }, i) => {
      const start = base * i + Math.min(i, withExtra);
      const end = start + base + (i < withExtra ? 1 : 0);
      for (let partition = start; partition < end; partition++) grants.push({ memberId, topic, partition });
    });
  }
  return collectAssignment(
    sorted.map((member) => member.memberId),
    grants,
  );
}
