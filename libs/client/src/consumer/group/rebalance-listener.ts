import type { TopicPartition } from '../../metadata/topic-partition.js';

/**
 * What the consumer does when its partitions change. The coordinator calls one method at a time,
 * in order, and waits for each; a heartbeat keeps the member in its group meanwhile.
 */
export interface RebalanceListener {
  /** Stop fetching these, let in-flight handlers of them finish, commit their progress; resolve when done. */
  onPartitionsRevoked(partitions: TopicPartition[]): Promise<void>;
  /**
   * Start fetching these from their committed offsets (or autoOffsetReset). Called after every
   * completed rebalance, with an empty list when nothing was added.
   */
  onPartitionsAssigned(partitions: TopicPartition[]): Promise<void>;
  /**
   * Lost without a chance to commit (session expired, fenced, left after a poll timeout): stop
   * fetching them and drop their progress; do not wait for their handlers, which may be the ones
   * stalled, and whose commits would be refused.
   */
  onPartitionsLost(partitions: TopicPartition[]): Promise<void>;
}
