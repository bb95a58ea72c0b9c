import { ErrorCode } from '@runnel/protocol';
import { TopicAdminError } from '../topics/topic-admin-error.js';

/**
 * Where the start of an assignment falls: `startIndex` picks the broker of partition 0's first
 * replica, `replicaShift` the distance of the second replica from the first. Kafka draws both at
 * random for every topic, so leaders of many topics spread over the brokers; tests fix them.
 */
export interface AssignmentStart {
  readonly startIndex: number;
  readonly replicaShift: number;
}

/** Both drawn with `random` (Math.random by default) from 0 to `brokerCount` - 1, as Kafka draws them. */
export function randomAssignmentStart(
  brokerCount: number,
  random: () => number = Math.random,
): AssignmentStart {
  return {
    startIndex: Math.floor(random() * brokerCount),
    replicaShift: Math.floor(random() * brokerCount),
  };
}

/**
 * Kafka's rack-unaware replica assignment (AdminUtils.assignReplicasToBrokersRackUnaware): the
 * brokers sorted by id, partition p's first replica (its preferred leader) is broker
 * `(p + startIndex) % n`, and the following replicas come at `1 + (shift + j) % (n - 1)` places
 * after it, the shift growing by one every n partitions. So leaders go round robin over the
 * brokers and the followers of consecutive rounds differ, spreading a failed broker's load.
 *
 * Returns the replicas of partitions `firstPartition` to `firstPartition + partitions - 1`
 * (Kafka's `startPartitionId`: CreatePartitions goes on with the existing partition count, so
 * the round robin and the shift continue from there). Throws INVALID_REPLICATION_FACTOR when the
 * factor is below 1 or above the broker count, and INVALID_PARTITIONS for a count below 1, with
 * Kafka's messages.
 */
export function assignReplicasToBrokers(
  brokerIds: readonly number[],
  partitions: number,
  replicationFactor: number,
  start: AssignmentStart,
  firstPartition = 0,
): number[][] {
  if (partitions < 1) {
    throw new TopicAdminError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  }
  if (replicationFactor < 1) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0.',
    );
  }
  if (replicationFactor > brokerIds.length) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokerIds.length}.`,
    );
  }
  const brokers = [...brokerIds].sort((a, b) => a - b);
  const n = brokers.length;
  let shift = start.replicaShift;
  const assignment: number[][] = [];
  for (let partition = firstPartition; partition < firstPartition + partitions; partition++) {
    if (partition > 0 && partition % n === 0) shift++;
    const first = (partition + start.startIndex) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokers[(first + 1 + ((shift + j) % (n - 1))) % n]!);
    }
    assignment.push(replicas);
  }
  return assignment;
}
