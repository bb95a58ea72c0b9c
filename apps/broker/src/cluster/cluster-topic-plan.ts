import { ErrorCode } from '@runnel/protocol';
import { TopicAdminError } from '../topics/topic-admin-error.js';
import { InvalidConfigError, validateTopicConfigs } from '../topics/topic-configs.js';
import type { CreateTopicRequest } from '../topics/topic-manager.js';
import { checkNewTopicName, checkPartitionCount, INTERNAL_TOPICS } from '../topics/topic-validation.js';
import type { TopicAssignment } from './cluster-keys.js';
import { type AssignmentStart, assignReplicasToBrokers } from './replica-assignment.js';

/** A CreatePartitions entry: the count to grow to and, optionally, the replicas of each new partition. */
export interface PartitionsRequest {
  readonly count: number;
  /** One replica list per new partition (preferred leader first), or null to let the cluster place them. */
  readonly assignments: readonly (readonly number[])[] | null;
}

/** What the cluster looks like to a topic being planned. */
export interface PlanContext {
  readonly existingTopics: Iterable<string>;
  readonly liveBrokers: readonly number[];
  /** -1 in a request means these (`num.partitions`, `default.replication.factor`). */
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly start: AssignmentStart;
}

/**
 * Checks a CreateTopics entry against the cluster as Kafka's controller does and returns the
 * assignment to write: the topic's name (INVALID_TOPIC_EXCEPTION; an internal topic's is
 * INVALID_REQUEST, as KRaft answers) and absence (TOPIC_ALREADY_EXISTS), its configs (INVALID_CONFIG), then either its manual assignment
 * (INVALID_REPLICA_ASSIGNMENT: partitions 0 to n-1, the same number of replicas each, live
 * brokers only, none twice) or a partition count (INVALID_PARTITIONS) and replication factor
 * (INVALID_REPLICATION_FACTOR above the live brokers) placed by assignReplicasToBrokers.
 */
export function planTopic(name: string, request: CreateTopicRequest, context: PlanContext): TopicAssignment {
  const existing = [...context.existingTopics];
  checkNewTopicName(name, existing);
  if (INTERNAL_TOPICS.has(name)) {
    // Each broker keeps its own `__consumer_offsets` until replication makes it a cluster topic.
    throw new TopicAdminError(ErrorCode.INVALID_REQUEST, `Creation of internal topic ${name} is prohibited.`);
  }
  if (existing.includes(name))
    throw new TopicAdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
  let configs: Record<string, string>;
  try {
    configs = validateTopicConfigs(request.configs ?? {});
  } catch (err) {
    if (!(err instanceof InvalidConfigError)) throw err;
    throw new TopicAdminError(ErrorCode.INVALID_CONFIG, err.message);
  }
  const { numPartitions, replicationFactor, assignments = [] } = request;
  if (assignments.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) {
      throw new TopicAdminError(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    checkPartitionCount(name, sorted.length);
    if (sorted.some(({ partitionIndex }, i) => partitionIndex !== i)) {
      throw new TopicAdminError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment must number its partitions 0 to ${sorted.length - 1}, each once.`,
      );
    }
    const factor = sorted[0]?.brokerIds.length ?? 0;
    return { partitions: checkManualAssignment(sorted, context.liveBrokers, factor), configs };
  }
  const partitions = numPartitions === -1 ? context.defaultPartitions : numPartitions;
  checkPartitionCount(name, partitions);
  const factor = replicationFactor === -1 ? context.defaultReplicationFactor : replicationFactor;
  return {
    partitions: assignReplicasToBrokers(context.liveBrokers, partitions, factor, context.start),
    configs,
  };
}

/**
 * Checks manually placed partitions (INVALID_REPLICA_ASSIGNMENT): each non-empty, `factor`
 * replicas long, no broker twice, only live brokers. Returns their replica lists.
 */
function checkManualAssignment(
  placed: readonly { partitionIndex: number; brokerIds: readonly number[] }[],
  liveBrokers: readonly number[],
  factor: number,
): number[][] {
  const fail = (message: string): never => {
    throw new TopicAdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  };
  return placed.map(({ partitionIndex: i, brokerIds }) => {
    if (brokerIds.length === 0)
      fail(`The manual partition assignment of partition ${i} is an empty replica list.`);
    if (brokerIds.length !== factor) {
      fail(
        `All partitions should have the same number of replicas (partition ${i} has ${brokerIds.length}, partition 0 has ${factor}).`,
      );
    }
    const duplicate = brokerIds.find((id, j) => brokerIds.indexOf(id) !== j);
    if (duplicate !== undefined)
      fail(`The manual partition assignment of partition ${i} includes broker ${duplicate} more than once.`);
    const unknown = brokerIds.filter((id) => !liveBrokers.includes(id));
    if (unknown.length > 0) {
      fail(
        `Unknown broker(s) in replica assignment of partition ${i}: ${unknown.join(', ')} (live brokers: ${liveBrokers.join(', ')}).`,
      );
    }
    return [...brokerIds];
  });
}

/**
 * The replicas of the partitions CreatePartitions adds to a topic whose partitions are
 * `current`, as Kafka's AdminZkClient.createNewPartitionsAssignment: a count not above the
 * current one is INVALID_PARTITIONS (with KRaft's messages, as the single broker answers); a
 * manual assignment must give one list per new partition (INVALID_REPLICA_ASSIGNMENT), each
 * non-empty, without a broker twice, of live brokers only and as long as partition 0's; without
 * one, assignReplicasToBrokers goes on from the existing count, over the live brokers sorted by
 * id, starting at the first broker whose id is at least partition 0's preferred leader (Kafka's
 * startIndex, used as the replica shift too) with partition 0's replication factor.
 */
export function planNewPartitions(
  name: string,
  current: readonly (readonly number[])[],
  request: PartitionsRequest,
  liveBrokers: readonly number[],
): number[][] {
  const previous = current.length;
  const { count, assignments } = request;
  if (count <= previous) {
    throw new TopicAdminError(
      ErrorCode.INVALID_PARTITIONS,
      count === previous
        ? `Topic already has ${previous} partitions.`
        : `Topic currently has ${previous} partitions, which is higher than the requested ${count}.`,
    );
  }
  checkPartitionCount(name, count);
  const partition0 = current[0] ?? [];
  if (assignments === null) {
    const brokers = [...liveBrokers].sort((a, b) => a - b);
    const startIndex = Math.max(
      0,
      brokers.findIndex((id) => id >= (partition0[0] ?? 0)),
    );
    return assignReplicasToBrokers(
      brokers,
      count - previous,
      partition0.length,
      { startIndex, replicaShift: startIndex },
      previous,
    );
  }
  if (assignments.length !== count - previous) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Increasing the number of partitions by ${count - previous} but ${assignments.length} assignments provided.`,
    );
  }
  return checkManualAssignment(
    assignments.map((brokerIds, i) => ({ partitionIndex: previous + i, brokerIds })),
    liveBrokers,
    partition0.length,
  );
}
