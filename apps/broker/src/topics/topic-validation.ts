import { validateTopicName } from '@runnel/log-store';
import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { TopicAdminError } from './topic-admin-error.js';

/**
 * The checks topic administration makes before it changes anything, as pure functions throwing
 * TopicAdminErrors with Kafka's code and, where Kafka has one, Kafka's message. This broker is the
 * only one, so every replica of every partition is on it and the replication factor is 1.
 */

/** The most partitions one topic may have here: every partition keeps its segment files open. */
const MAX_PARTITIONS = 10_000;

/** Kafka's internal topics (`Topic.isInternal`): clients may not delete them or their records. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

/** A partition placed by the client: its index and the brokers holding its replicas, leader first. */
export interface ReplicaAssignment {
  readonly partitionIndex: number;
  readonly brokerIds: readonly number[];
}

/** Legal characters and length (INVALID_TOPIC_EXCEPTION), as Kafka's `Topic.validate`. */
export function checkTopicName(name: string): void {
  try {
    validateTopicName(name);
  } catch (err) {
    throw new TopicAdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, (err as Error).message);
  }
}

/**
 * A legal name that does not collide with an existing topic whose name differs only by '.'
 * against '_' (they would share metric names, so Kafka refuses it: INVALID_TOPIC_EXCEPTION).
 */
export function checkNewTopicName(name: string, existing: Iterable<string>): void {
  checkTopicName(name);
  const key = name.replaceAll('.', '_');
  for (const other of existing) {
    if (other !== name && other.replaceAll('.', '_') === key) {
      throw new TopicAdminError(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${name}' collides with existing topic: ${other}`,
      );
    }
  }
}

export function checkPartitionCount(name: string, count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new TopicAdminError(
      ErrorCode.INVALID_PARTITIONS,
      `Number of partitions must be larger than 0 (topic '${name}' asked for ${count}).`,
    );
  }
  if (count > MAX_PARTITIONS) {
    throw new TopicAdminError(
      ErrorCode.INVALID_PARTITIONS,
      `Number of partitions ${count} for topic '${name}' is above this broker's limit of ${MAX_PARTITIONS}.`,
    );
  }
}

/** `replicationFactor` after -1 was resolved to the default (1). */
export function checkReplicationFactor(replicationFactor: number): void {
  if (replicationFactor < 1) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor must be larger than 0 (asked for ${replicationFactor}).`,
    );
  }
  if (replicationFactor > 1) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${replicationFactor} larger than available brokers: 1.`,
    );
  }
}

/**
 * The replicas of consecutive new partitions, from `firstPartition` on: each must be exactly this
 * broker, since it is the only one.
 */
export function checkReplicas(
  replicasByPartition: readonly (readonly number[])[],
  firstPartition: number,
  nodeId: number,
): void {
  replicasByPartition.forEach((brokerIds, i) => {
    const partition = firstPartition + i;
    const fail = (message: string) => {
      throw new TopicAdminError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment of partition ${partition} ${message}.`,
      );
    };
    if (brokerIds.length === 0) fail('is an empty replica list');
    const duplicate = brokerIds.find((id, j) => brokerIds.indexOf(id) !== j);
    if (duplicate !== undefined) fail(`includes broker ${duplicate} more than once`);
    const unknown = brokerIds.find((id) => id !== nodeId);
    if (unknown !== undefined) fail(`includes broker ${unknown}, but the only broker is ${nodeId}`);
  });
}

/**
 * The partition count a CreateTopics manual assignment describes: its partition indexes must be
 * 0 to n-1, each once, and its replicas pass `checkReplicas`.
 */
export function partitionsOfAssignment(
  name: string,
  assignments: readonly ReplicaAssignment[],
  nodeId: number,
): number {
  const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  if (sorted.some((a, i) => a.partitionIndex !== i)) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `The manual partition assignment of topic '${name}' must number its partitions 0 to ${sorted.length - 1}, each once; it has ${sorted.map((a) => a.partitionIndex).join(', ')}.`,
    );
  }
  checkPartitionCount(name, sorted.length);
  checkReplicas(
    sorted.map((a) => a.brokerIds),
    0,
    nodeId,
  );
  return sorted.length;
}

/**
 * The partition count of a new topic (CreateTopics): `numPartitions`, or `num.partitions` for -1,
 * checked with the replication factor (-1: `default.replication.factor`); or, with manual
 * `assignments`, theirs (then both counts must be -1, INVALID_REQUEST otherwise, as in Kafka).
 */
export function partitionCountOf(
  name: string,
  request: {
    readonly numPartitions: number;
    readonly replicationFactor: number;
    readonly assignments?: readonly ReplicaAssignment[];
  },
  config: Pick<BrokerConfig, 'numPartitions' | 'defaultReplicationFactor' | 'nodeId'>,
): number {
  const { numPartitions, replicationFactor, assignments = [] } = request;
  if (assignments.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) {
      throw new TopicAdminError(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    return partitionsOfAssignment(name, assignments, config.nodeId);
  }
  const partitions = numPartitions === -1 ? config.numPartitions : numPartitions;
  checkPartitionCount(name, partitions);
  checkReplicationFactor(replicationFactor === -1 ? config.defaultReplicationFactor : replicationFactor);
  return partitions;
}

/** The names that appear more than once (Kafka refuses every entry of a topic named twice in one request). */
export function namesGivenTwice(names: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) (seen.has(name) ? twice : seen).add(name);
  return twice;
}
