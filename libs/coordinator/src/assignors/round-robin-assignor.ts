import { collectAssignment, type PartitionGrant, subscribedTopics } from './group-assignment.js';
import { sortMembers } from './member-order.js';
import type { AssignmentInput, GroupAssignment, PartitionAssignor } from './partition-assignor.js';

/**
 * Kafka's RoundRobinAssignor (`roundrobin`): every partition of every subscribed topic, by topic
 * name then partition, is dealt in turn around the members in member order; a member not
 * subscribed to the partition's topic is passed over and the deal goes on from the next one. Members with the same subscription end up within one partition of each
 * other; members with different subscriptions can end up far apart (the sticky assignor fixes that).
 *
 * Two consumers, topics t0 and t1 of 3 partitions each: C0 gets t0 [0, 2] and t1 [1]; C1 gets
 * t0 [1] and t1 [0, 2].
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  supportedProtocols: ['eager'],
  assign: assignRoundRobin,
};

function assignRoundRobin({ members, partitionsPerTopic }: AssignmentInput): GroupAssignment {
  const sorted = sortMembers(members);
  const grants: PartitionGrant[] = [];
  // The member the next partition is offered to first. Every dealt topic has a subscriber, so the
  // search for one always ends within a lap.
  let next = 0;
  for (const topic of subscribedTopics(sorted, partitionsPerTopic)) {
    const count = partitionsPerTopic.get(topic)!;
    for (let partition = 0; partition < count; partition++) {
      while (!sorted[next]!.topics.includes(topic)) next = (next + 1) % sorted.length;
      grants.push({ memberId: sorted[next]!.memberId, topic, partition });
      next = (next + 1) % sorted.length;
    }
  }
  return collectAssignment(
    sorted.map((member) => member.memberId),
    grants,
  );
}
