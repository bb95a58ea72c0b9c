import { murmur2, toPositive } from './murmur2.js';

/**
 * How a producer chooses the partition of a record, and how it tells a partitioner that a batch is
 * done.
 *
 * The producer keeps one open batch per partition; a batch is closed when it reaches `batchSize`
 * bytes or when `lingerMs` has passed since its first record, and is then sent. For each record:
 *
 *   1. an explicit `partition` on the record always wins (checked to be in range);
 *   2. otherwise `partitioner.partition(input)` decides, from the serialized key and value and the
 *      topic's partitions in the producer's metadata (see {@link choosePartition});
 *   3. whenever a batch of a topic is closed, the producer calls
 *      `partitioner.onNewBatch({ topic, prevPartition, ... })`, so a sticky partitioner moves keyless
 *      records to another partition and the next batch fills there.
 *
 * Partitioners are pure and synchronous: no timers, no I/O; time only reaches them through the
 * producer's calls. Built-ins: {@link StickyPartitioner} (the default, as in Kafka since 2.4) and
 * {@link RoundRobinPartitioner}; both place keyed records by {@link partitionForKey}.
 */

/** A topic's partitions as the producer's metadata shows them. */
export interface TopicPartitions {
  readonly topic: string;
  /** How many partitions the topic has: ids 0 .. partitionCount - 1. A positive integer. */
  readonly partitionCount: number;
  /**
   * Ids of the partitions that currently have a leader. Keyless records go only to these when there
   * are any; keyed records ignore them, since a key must keep mapping to one partition.
   * Default: every partition is available.
   */
  readonly availablePartitions?: readonly number[];
}

/** What a partitioner sees of a record that has no explicit partition. */
export interface PartitionerInput extends TopicPartitions {
  /** The serialized key; null when the record has none. */
  readonly key: Buffer | null;
  /** The serialized value; null for a tombstone. */
  readonly value: Buffer | null;
}

/** Tells a partitioner that the batch it was filling on `prevPartition` was closed. */
export interface NewBatchInput extends TopicPartitions {
  readonly prevPartition: number;
}

export interface Partitioner {
  /** The partition for a record without an explicit one: an integer in [0, partitionCount). */
  partition(input: PartitionerInput): number;
  /**
   * Called by the producer when a batch of `topic` on `prevPartition` is closed (full at `batchSize`,
   * or sent after `lingerMs`). Kafka's `Partitioner.onNewBatch`. Optional: only partitioners that
   * stick to a partition need it.
   */
  onNewBatch?(input: NewBatchInput): void;
}

/** Kafka's placement of a keyed record: `toPositive(murmur2(key)) % partitionCount`, over all partitions. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

/** A record about to be placed: the partitioner's input plus the record's own partition, if any. */
export interface RecordToPlace extends PartitionerInput {
  /** A partition chosen by the application; wins over the partitioner. Default: none. */
  readonly partition?: number | null;
}

/**
 * The partition a record goes to: its explicit partition if it has one, else the partitioner's
 * choice. Throws a RangeError naming the topic, the value and the limit when the partition count is
 * not a positive integer or the partition (explicit or chosen) is outside [0, partitionCount).
 */
export function choosePartition(partitioner: Partitioner, record: RecordToPlace): number {
  checkPartitionCount(record);
  if (record.partition !== undefined && record.partition !== null) {
    checkPartition(record, record.partition, 'the record asks for');
    return record.partition;
  }
  const chosen = partitioner.partition(record);
  checkPartition(record, chosen, 'the partitioner chose');
  return chosen;
}

/** Throws unless the topic has a positive integer number of partitions. */
export function checkPartitionCount(partitions: TopicPartitions): void {
  const { topic, partitionCount } = partitions;
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`topic '${topic}': partitionCount must be an integer >= 1, got ${partitionCount}`);
  }
}

function checkPartition(partitions: TopicPartitions, partition: number, who: string): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions.partitionCount) {
    throw new RangeError(
      `topic '${partitions.topic}': ${who} partition ${partition}, outside [0, ${partitions.partitionCount - 1}]`,
    );
  }
}

/**
 * Keyless records go to the available partitions, or to any partition when none is available (as in
 * Kafka: a partition without a leader now is better than no partition). These two functions index
 * that candidate list without building it, so placing a record allocates nothing.
 */
export function keylessCandidateCount(partitions: TopicPartitions): number {
  const available = partitions.availablePartitions;
  return available === undefined || available.length === 0 ? partitions.partitionCount : available.length;
}

/** The `index`-th keyless candidate; throws if the metadata lists an id outside the topic. */
export function keylessCandidate(partitions: TopicPartitions, index: number): number {
  const available = partitions.availablePartitions;
  if (available === undefined || available.length === 0) return index;
  const id = available[index]!;
  checkPartition(partitions, id, 'availablePartitions lists');
  return id;
}
