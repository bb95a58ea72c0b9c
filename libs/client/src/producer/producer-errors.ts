import { RunnelError, type RunnelErrorOptions } from '../errors/runnel-error.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';

/**
 * The producer's own errors. Broker error codes stay @runnel/protocol's `KafkaError`, with the
 * partition as their context (`topic 'orders' partition 3: MESSAGE_TOO_LARGE (10): ...`).
 */

/** `send()` or `flush()` on a producer that was disconnected (or never connected). */
export class ProducerClosedError extends RunnelError {
  override name = 'ProducerClosedError';

  constructor(operation: string, state: 'not connected' | 'disconnected') {
    super(
      `producer is ${state}: ${operation} refused${state === 'not connected' ? ' (call connect() first)' : ''}`,
    );
  }
}

/**
 * A record that can never be sent: larger than `maxRequestSize` (Kafka's RecordTooLargeException),
 * or than `bufferMemory`. Names the topic, the partition when known, the size and the limit.
 */
export class RecordTooLargeError extends RunnelError {
  override name = 'RecordTooLargeError';
  readonly topic: string;
  readonly partition: number | undefined;
  /** Bytes the record takes in a batch (an upper bound: varint fields counted at their largest). */
  readonly size: number;
  /** The limit it is over, in bytes. */
  readonly limit: number;

  constructor(topic: string, partition: number | undefined, size: number, limit: number, option: string) {
    const where = partition === undefined ? `topic '${topic}'` : describeTopicPartition(topic, partition);
    super(`${where}: a record of ${size} bytes is larger than ${option} (${limit} bytes)`);
    this.topic = topic;
    this.partition = partition;
    this.size = size;
    this.limit = limit;
  }
}

/**
 * `send()` waited `maxBlockMs` for room in `bufferMemory` (Kafka's BufferExhaustedException), or
 * for the topic's metadata, without getting it. Nothing of the waiting records was accepted.
 */
export class ProducerBlockedTimeoutError extends RunnelError {
  override name = 'ProducerBlockedTimeoutError';
  readonly topic: string;
  readonly maxBlockMs: number;

  constructor(topic: string, what: string, maxBlockMs: number, options: RunnelErrorOptions = {}) {
    super(`topic '${topic}': ${what} within maxBlockMs (${maxBlockMs} ms)`, { retriable: true, ...options });
    this.topic = topic;
    this.maxBlockMs = maxBlockMs;
  }
}

/** The topic does not exist and the broker did not create it (auto-creation off, or not allowed). */
export class UnknownTopicError extends RunnelError {
  override name = 'UnknownTopicError';
  readonly topic: string;

  constructor(topic: string, options: RunnelErrorOptions = {}) {
    super(
      `topic '${topic}' does not exist and was not created (the broker's auto.create.topics.enable is off, or allowAutoTopicCreation is false)`,
      options,
    );
    this.topic = topic;
  }
}

/**
 * A batch was not acknowledged within `deliveryTimeoutMs` of its creation, retries included
 * (Kafka's "Expiring N record(s) for topic-partition"); `cause` is the last error seen, if any.
 */
export class DeliveryTimeoutError extends RunnelError {
  override name = 'DeliveryTimeoutError';
  readonly topic: string;
  readonly partition: number;
  readonly deliveryTimeoutMs: number;

  constructor(
    topic: string,
    partition: number,
    records: number,
    deliveryTimeoutMs: number,
    options: RunnelErrorOptions = {},
  ) {
    super(
      `${describeTopicPartition(topic, partition)}: ${records} record(s) expired, not acknowledged within deliveryTimeoutMs (${deliveryTimeoutMs} ms)${options.cause instanceof Error ? `; last error: ${options.cause.message}` : ''}`,
      options,
    );
    this.topic = topic;
    this.partition = partition;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
  }
}

/** A producer option outside what it allows; names the option, the value and the limit. */
export class ProducerConfigError extends RunnelError {
  override name = 'ProducerConfigError';
  readonly option: string;

  constructor(option: string, value: unknown, requirement: string) {
    super(`producer option ${option} = ${String(value)}: ${requirement}`);
    this.option = option;
  }
}
