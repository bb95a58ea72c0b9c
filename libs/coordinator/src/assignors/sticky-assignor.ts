import type { MemberSubscription, PartitionAssignor } from './partition-assignor.js';
import type { StickyMember } from './previous-owners.js';
import { assignSticky } from './sticky-assignment.js';
import {
  DEFAULT_GENERATION,
  decodeStickyUserData,
  encodeStickyUserData,
  type OwnershipClaim,
} from './sticky-user-data.js';

/**
 * Kafka's StickyAssignor (`sticky`), for the eager protocol: balanced, and keeping as many
 * partitions as balance allows with the member that had them (see {@link assignSticky}).
 *
 * Under the eager protocol a member has revoked everything by the time it rejoins, so it says what
 * it had in its user data: its previous assignment and that assignment's generation, in Kafka's
 * StickyAssignor format, which Java consumers send too. A member without readable sticky user data
 * is taken at its subscription's `ownedPartitions`, of unknown generation.
 *
 * Three consumers on topics t0..t3 of 2 partitions each get C0 [t0p0, t1p1, t3p0],
 * C1 [t0p1, t2p0, t3p1], C2 [t1p0, t2p1]. When C1 leaves, only its three partitions move:
 * C0 [t0p0, t1p1, t2p0, t3p0], C2 [t0p1, t1p0, t2p1, t3p1].
 */
export const stickyAssignor: PartitionAssignor = {
  name: 'sticky',
  supportedProtocols: ['eager'],
  subscriptionUserData: ({ assignedPartitions, generationId }) =>
    assignedPartitions === null
      ? null
      : encodeStickyUserData({ partitions: assignedPartitions, generation: generationId }),
  assign: ({ members, partitionsPerTopic }) => assignSticky(members.map(withStickyClaim), partitionsPerTopic),
};

function withStickyClaim(member: MemberSubscription): StickyMember {
  return { ...member, claim: stickyClaim(member) };
}

function stickyClaim({ userData, ownedPartitions }: MemberSubscription): OwnershipClaim {
  const fromUserData = userData && userData.length > 0 ? decodeStickyUserData(userData) : null;
  return fromUserData ?? { partitions: ownedPartitions ?? [], generation: DEFAULT_GENERATION };
}
