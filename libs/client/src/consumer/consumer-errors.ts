import { RunnelError, type RunnelErrorOptions } from '../errors/runnel-error.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';

/** A consumer option outside what it allows; names the option, the value and the limit. */
export class ConsumerConfigError extends RunnelError {
  override name = 'ConsumerConfigError';
  readonly option: string;

  constructor(option: string, value: unknown, requirement: string) {
    super(`consumer option ${option} = ${describeValue(value)}: ${requirement}`);
    this.option = option;
  }
}

/** A call the consumer cannot serve in its current state (run() twice, subscribe() without a groupId, ...). */
export class ConsumerStateError extends RunnelError {
  override name = 'ConsumerStateError';
}

/**
 * Kafka's NoOffsetForPartitionException / OffsetOutOfRangeException with `auto.offset.reset`
 * 'none': the partition has no valid position and the consumer was told not to pick one.
 */
export class NoOffsetForPartitionError extends RunnelError {
  override name = 'NoOffsetForPartitionError';
  readonly topic: string;
  readonly partition: number;

  constructor(topic: string, partition: number, reason: string, options: RunnelErrorOptions = {}) {
    super(`${describeTopicPartition(topic, partition)}: ${reason} and autoOffsetReset is 'none'`, options);
    this.topic = topic;
    this.partition = partition;
  }
}

/** A handler (eachMessage, eachBatch) threw: what the consumer's 'crash' event carries. */
export class HandlerError extends RunnelError {
  override name = 'HandlerError';
  readonly topic: string;
  readonly partition: number;
  /** The offset of the record that was being handled (eachMessage) or the first of the batch (eachBatch). */
  readonly offset: bigint;

  constructor(topic: string, partition: number, offset: bigint, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${describeTopicPartition(topic, partition)} offset ${offset}: the handler threw: ${reason}`, {
      cause,
    });
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Kafka's RecordTooLargeException on the consumer side: the broker returned only part of the
 * batch at the fetch offset, so `maxPartitionFetchBytes` is below that batch's size (brokers since
 * Kafka 0.10.1 return the first batch whole, KIP-74; older ones do not).
 */
export class RecordBatchTooLargeError extends RunnelError {
  override name = 'RecordBatchTooLargeError';

  constructor(topic: string, partition: number, offset: bigint, maxPartitionFetchBytes: number) {
    super(
      `${describeTopicPartition(topic, partition)} offset ${offset}: the batch there is larger than ` +
        `maxPartitionFetchBytes (${maxPartitionFetchBytes}); raise maxPartitionFetchBytes`,
    );
  }
}

/** assign() named a partition the cluster does not have (Kafka's UNKNOWN_TOPIC_OR_PARTITION). */
export class UnknownTopicOrPartitionError extends RunnelError {
  override name = 'UnknownTopicOrPartitionError';
  readonly topic: string;
  readonly partition: number;

  constructor(topic: string, partition: number, partitionCount: number | undefined) {
    super(
      `${describeTopicPartition(topic, partition)}: ` +
        (partitionCount === undefined
          ? 'the topic does not exist'
          : `the topic has ${partitionCount} partition(s), 0 to ${partitionCount - 1}`),
    );
    this.topic = topic;
    this.partition = partition;
  }
}
