import {
  checkPartitionCount,
  keylessCandidate,
  keylessCandidateCount,
  type NewBatchInput,
  type Partitioner,
  type PartitionerInput,
  partitionForKey,
  type TopicPartitions,
} from './partitioner.js';

export interface StickyPartitionerOptions {
  /**
   * A uniform random number in [0, 1), used to pick the next sticky partition. Inject a seeded one
   * for deterministic tests. Default: `Math.random`.
   */
  readonly random?: () => number;
  /**
   * Place keyed records like keyless ones, ignoring the key (Kafka's `partitioner.ignore.keys`, and
   * its UniformStickyPartitioner when true). Default: false, keys are hashed by partitionForKey.
   */
  readonly ignoreKeys?: boolean;
}

/**
 * Kafka's sticky partitioning for keyless records (KIP-480, the default since Kafka 2.4): every
 * keyless record of a topic goes to one partition until the producer reports, through
 * `onNewBatch`, that the batch on that partition was closed; then a new partition is drawn at random.
 * Batches fill up instead of a record trickling to each partition, so there are fewer, fuller
 * requests and lower latency at the same `lingerMs`.
 *
 * Invariants: the draw is uniform over the available partitions (all partitions when none is
 * available) and never returns the partition being left when there is another to go to. A report
 * for a partition that is not the current sticky one (a keyed batch, a late report) changes nothing,
 * exactly as Kafka's StickyPartitionCache. State is per topic and lives only in this object.
 */
export class StickyPartitioner implements Partitioner {
  private readonly random: () => number;
  private readonly ignoreKeys: boolean;
  /** Topic -> its current sticky partition; absent until a keyless record of the topic is placed. */
  private readonly stickyPartitions = new Map<string, number>();

  constructor(options: StickyPartitionerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.ignoreKeys = options.ignoreKeys ?? false;
  }

  partition(input: PartitionerInput): number {
    checkPartitionCount(input);
    if (input.key !== null && !this.ignoreKeys) return partitionForKey(input.key, input.partitionCount);
    const sticky = this.stickyPartitions.get(input.topic);
    if (sticky !== undefined && sticky < input.partitionCount) return sticky;
    return this.stickToNewPartition(input, undefined);
  }

  onNewBatch(input: NewBatchInput): void {
    checkPartitionCount(input);
    if (this.stickyPartitions.get(input.topic) === input.prevPartition) {
      this.stickToNewPartition(input, input.prevPartition);
    }
  }

  private stickToNewPartition(partitions: TopicPartitions, leaving: number | undefined): number {
    const count = keylessCandidateCount(partitions);
    const leavingIndex = leaving === undefined ? -1 : candidateIndex(partitions, leaving);
    let index: number;
    if (leavingIndex === -1 || count === 1) {
      index = this.randomIndex(count);
    } else {
      // Uniform over the other count - 1 candidates: draw among them, then step over the one left.
      index = this.randomIndex(count - 1);
      if (index >= leavingIndex) index += 1;
    }
    const next = keylessCandidate(partitions, index);
    this.stickyPartitions.set(partitions.topic, next);
    return next;
  }

  private randomIndex(count: number): number {
    const r = this.random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${r}`);
    return Math.floor(r * count);
  }
}

/** Position of `partition` among the keyless candidates, or -1 when it is not one of them. */
function candidateIndex(partitions: TopicPartitions, partition: number): number {
  const available = partitions.availablePartitions;
  if (available === undefined || available.length === 0) {
    return partition >= 0 && partition < partitions.partitionCount ? partition : -1;
  }
  return available.indexOf(partition);
}
