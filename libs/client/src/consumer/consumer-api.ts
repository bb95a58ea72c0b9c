import type { TopicPartition } from '../metadata/topic-partition.js';
import type { CommittedOffset } from './consumer-commits.js';
import type { GroupEvent } from './group/group-events.js';
import type { EachBatchPayload, EachMessagePayload } from './run-handlers.js';

/** `subscribe()`'s argument, as kafkajs's. */
export interface SubscribeOptions {
  topics?: readonly string[];
  topic?: string;
  /** Start partitions without a committed offset at the earliest offset (autoOffsetReset 'earliest'). */
  fromBeginning?: boolean;
}

/** `run()`'s argument: exactly one of eachMessage and eachBatch. */
export interface RunOptions<K, V> {
  eachMessage?: (payload: EachMessagePayload<K, V>) => Promise<void> | void;
  eachBatch?: (payload: EachBatchPayload<K, V>) => Promise<void> | void;
  /** Partitions handled at the same time, each still strictly in order (default 1). */
  partitionsConsumedConcurrently?: number;
  /** eachBatch: resolve the whole batch when the handler returns (default true). */
  eachBatchAutoResolve?: boolean;
}

/** A partition to read in assign mode; without `offset`, autoOffsetReset decides. */
export interface AssignedPartition extends TopicPartition {
  offset?: bigint | number | string;
}

/** An offset to commit: the next offset to read, as Kafka commits it. */
export interface OffsetToCommit extends TopicPartition {
  offset: bigint | number | string;
  metadata?: string;
}

/** What the 'crash' event carries: the consumer stopped because of `error`. */
export interface ConsumerCrashEvent {
  error: Error;
  groupId: string | undefined;
}

/** What the 'commit' event carries: offsets the group accepted (the next offset to read, per partition). */
export interface ConsumerCommitEvent {
  groupId: string;
  offsets: CommittedOffset[];
}

export interface ConsumerEvents {
  crash: [ConsumerCrashEvent];
  commit: [ConsumerCommitEvent];
  /** Membership news from the group coordinator: joins, rebalances, a poll timeout, a failure. */
  group: [GroupEvent];
}
