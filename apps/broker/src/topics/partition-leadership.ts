import { ErrorCode } from '@runnel/protocol';

/**
 * The leader epoch of every partition of a single broker: it leads every partition, alone, and
 * the leader never changes, so the epoch stays 0. In a cluster a partition's epoch is the one
 * its state in etcd holds (TopicManager.leaderEpoch). Metadata reports it and ListOffsets v4+
 * answers it with each offset.
 */
export const PARTITION_LEADER_EPOCH = 0;

/** A request's `currentLeaderEpoch` meaning "do not check the epoch". */
const NO_EPOCH = -1;

/**
 * Why a partition read (Fetch) or offset lookup (ListOffsets) must be refused before touching
 * the log, or NONE:
 * - `replicaId` >= 0 is a broker fetching as a follower (consumers send -1, or -2 for Kafka's
 *   debugging consumer): there are no followers, so it is told NOT_LEADER_OR_FOLLOWER;
 * - a `currentLeaderEpoch` (Fetch v9+, ListOffsets v4+; -1 skips the check) other than ours, as
 *   Kafka's Partition.checkCurrentLeaderEpoch decides: older is FENCED_LEADER_EPOCH (the client's
 *   metadata is stale), newer is UNKNOWN_LEADER_EPOCH (the broker's would be). `leaderEpoch` is
 *   the partition's (PARTITION_LEADER_EPOCH on a single broker).
 */
export function leadershipError(
  replicaId: number,
  currentLeaderEpoch: number,
  leaderEpoch: number = PARTITION_LEADER_EPOCH,
): number {
  if (replicaId >= 0) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  if (currentLeaderEpoch === NO_EPOCH || currentLeaderEpoch === leaderEpoch) return ErrorCode.NONE;
  return currentLeaderEpoch < leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
}
