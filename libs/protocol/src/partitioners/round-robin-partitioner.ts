import {
  checkPartitionCount,
  keylessCandidate,
  keylessCandidateCount,
  type Partitioner,
  type PartitionerInput,
  partitionForKey,
} from './partitioner.js';

export interface RoundRobinPartitionerOptions {
  /**
   * Place keyed records in turn too, ignoring the key, as Kafka's RoundRobinPartitioner does when
   * true. Default: false, keys are hashed by partitionForKey (Kafka's partitioning before 2.4).
   */
  readonly ignoreKeys?: boolean;
}

/**
 * Keyless records go to the topic's available partitions in turn: with three, 0, 1, 2, 0, 1, 2, ...
 * (the default before Kafka 2.4). One counter per topic, starting at 0, advanced by each keyless
 * record; when the set of available partitions changes, the counter carries on over the new set.
 *
 * It has no `onNewBatch`: closing a batch does not move it, so no partition is skipped (the cause of
 * Kafka's KAFKA-9965, where the producer's re-partitioning after a new batch advanced the counter twice).
 */
export class RoundRobinPartitioner implements Partitioner {
  private readonly ignoreKeys: boolean;
  /** Topic -> how many keyless records of it were placed. */
  private readonly counters = new Map<string, number>();

  constructor(options: RoundRobinPartitionerOptions = {}) {
    this.ignoreKeys = options.ignoreKeys ?? false;
  }

  partition(input: PartitionerInput): number {
    checkPartitionCount(input);
    if (input.key !== null && !this.ignoreKeys) return partitionForKey(input.key, input.partitionCount);
    const counter = this.counters.get(input.topic) ?? 0;
    this.counters.set(input.topic, counter + 1);
    return keylessCandidate(input, counter % keylessCandidateCount(input));
  }
}
