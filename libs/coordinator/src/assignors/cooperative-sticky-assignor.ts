import type {
  AssignmentInput,
  GroupAssignment,
  MemberSubscription,
  PartitionAssignor,
} from './partition-assignor.js';
import type { StickyMember } from './previous-owners.js';
import { assignSticky } from './sticky-assignment.js';
import {
  DEFAULT_GENERATION,
  decodeCooperativeUserData,
  encodeCooperativeUserData,
} from './sticky-user-data.js';

/**
 * Kafka's CooperativeStickyAssignor (`cooperative-sticky`): the sticky assignment, made safe for
 * the cooperative protocol, where members keep consuming what they own through the rebalance.
 *
 * A member claims what it owns in its subscription's `ownedPartitions`, and the generation of that
 * ownership in its user data (Kafka's format: one int32). The sticky assignment is computed from
 * those claims; then every partition it gives to a member while another member still owns it is
 * held back. The owner, finding the partition missing from its new assignment, revokes it and
 * rejoins, and the follow-up rebalance hands it over, so no partition is ever consumed by two
 * members at once.
 *
 * One consumer owning t0 [0, 1, 2, 3] and a second joining: the first rebalance leaves the first
 * consumer t0 [2, 3] and gives the second nothing; once t0 [0, 1] are revoked, the next rebalance
 * gives them to the second.
 */
export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  supportedProtocols: ['cooperative', 'eager'],
  subscriptionUserData: ({ generationId }) => encodeCooperativeUserData(generationId),
  assign: assignCooperativeSticky,
};

function assignCooperativeSticky({ members, partitionsPerTopic }: AssignmentInput): GroupAssignment {
  const target = assignSticky(members.map(withCooperativeClaim), partitionsPerTopic);
  const owners = ownersByPartition(members);
  const assignment: GroupAssignment = new Map();
  for (const [memberId, topics] of target) {
    const mayTakeNow = (topic: string, partition: number) => {
      const owning = owners.get(topic)?.get(partition);
      return owning === undefined || owning.has(memberId);
    };
    assignment.set(
      memberId,
      topics
        .map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.filter((p) => mayTakeNow(topic, p)),
        }))
        .filter(({ partitions }) => partitions.length > 0),
    );
  }
  return assignment;
}

function withCooperativeClaim(member: MemberSubscription): StickyMember {
  const generation = member.userData ? decodeCooperativeUserData(member.userData) : null;
  return {
    ...member,
    claim: { partitions: member.ownedPartitions ?? [], generation: generation ?? DEFAULT_GENERATION },
  };
}

/** The members that say they own each partition, whether or not their claim won. */
function ownersByPartition(members: readonly MemberSubscription[]): Map<string, Map<number, Set<string>>> {
  const owners = new Map<string, Map<number, Set<string>>>();
  for (const { memberId, ownedPartitions } of members) {
    for (const { topic, partitions } of ownedPartitions ?? []) {
      const byPartition = owners.get(topic) ?? new Map<number, Set<string>>();
      owners.set(topic, byPartition);
      for (const partition of partitions) {
        byPartition.set(partition, (byPartition.get(partition) ?? new Set<string>()).add(memberId));
      }
    }
  }
  return owners;
}
