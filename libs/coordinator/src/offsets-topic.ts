/** The compacted topic where group coordinators keep committed offsets and group metadata. */
export const OFFSETS_TOPIC = '__consumer_offsets';

/** Kafka's default number of partitions of `__consumer_offsets` (offsets.topic.num.partitions). */
export const DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50;

/**
 * The partition of `__consumer_offsets` that holds a group, hence the broker that coordinates it
 * (Kafka's `partitionFor`): Java's `String.hashCode` of the group id, made non-negative by
 * Kafka's `Utils.abs` (which maps Integer.MIN_VALUE to 0), modulo the partition count. Clients
 * find the coordinator with FindCoordinator, so any stable choice would work; Kafka's keeps a
 * Runnel data directory laid out as Kafka lays it out.
 */
export function offsetsTopicPartitionFor(
  groupId: string,
  partitionCount = DEFAULT_OFFSETS_TOPIC_PARTITIONS,
): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  const nonNegative = hash === -2147483648 ? 0 : Math.abs(hash);
  return nonNegative % partitionCount;
}
