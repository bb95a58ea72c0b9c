import { type PartitionTable, partitionId } from './partition-table.js';
import type { OwnershipClaim } from './sticky-user-data.js';

/** A member as the sticky assignors see it: its subscription and what it claims to own. */
export interface StickyMember {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly topics: readonly string[];
  readonly claim: OwnershipClaim;
}

/**
 * Which member each partition of `table` stays with going into a sticky assignment, as the index
 * of the member in `members`, or -1 when it has no owner to stay with. Kafka's rules:
 * - a claim on a partition that does not exist (any more) counts for nothing;
 * - of several claims on a partition the one of the highest generation wins, since the others
 *   are left over from rebalances the group has moved past;
 * - two members claiming a partition in the same highest generation cannot both be right, so
 *   neither keeps it: it is assigned afresh;
 * - the winner keeps the partition only if it still subscribes to its topic.
 */
export function previousOwners(members: readonly StickyMember[], table: PartitionTable): Int32Array {
  const owner = new Int32Array(table.size).fill(-1);
  const generation = new Float64Array(table.size).fill(Number.NEGATIVE_INFINITY);
  const contested = new Uint8Array(table.size);
  members.forEach(({ claim }, m) => {
    for (const { topic, partitions } of claim.partitions) {
      for (const partition of partitions) {
        const id = partitionId(table, topic, partition);
        if (id === undefined) continue;
        if (claim.generation > generation[id]!) {
          generation[id] = claim.generation;
          owner[id] = m;
          contested[id] = 0;
        } else if (claim.generation === generation[id] && owner[id] !== m) {
          contested[id] = 1;
        }
      }
    }
  });
  const subscriptions = members.map((member) => new Set(member.topics));
  for (let id = 0; id < table.size; id++) {
    const m = owner[id]!;
    if (m < 0) continue;
    if (contested[id] || !subscriptions[m]!.has(table.topics[table.topicOf[id]!]!)) owner[id] = -1;
  }
  return owner;
}
