import type { Deserializer } from '@runnel/protocol';
import type { TopicPartition } from '../metadata/topic-partition.js';
import { ConsumerConfigError } from './consumer-errors.js';
import type { ConsumerGroupOptions } from './group/consumer-group-options.js';

/** Kafka's `auto.offset.reset`: where to start when there is no committed offset or it is out of range. */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/** Kafka's `isolation.level`. */
export type IsolationLevel = 'read_committed' | 'read_uncommitted';

/**
 * Consumer options. Each has Kafka's meaning; its Kafka name and default are beside it and in
 * docs/consumer.md. The group options (sessionTimeoutMs, heartbeatIntervalMs, maxPollIntervalMs,
 * partitionAssigners, groupInstanceId, ...) are documented in docs/groups.md.
 */
export interface ConsumerOptions<K = Buffer | null, V = Buffer | null>
  extends Partial<Omit<ConsumerGroupOptions, 'groupId'>> {
  /** `group.id`: the group to join on subscribe(); without it only assign() is available (default none). */
  readonly groupId?: string;
  /** `fetch.max.wait.ms`: how long the broker may hold a Fetch waiting for `minBytes` (default 500). */
  readonly maxWaitMs?: number;
  /** `fetch.min.bytes`: the broker answers a Fetch once it has this many bytes (default 1). */
  readonly minBytes?: number;
  /** `fetch.max.bytes`: the most record bytes one Fetch response carries (default 52428800, 50 MiB). */
  readonly maxBytes?: number;
  /**
   * `max.partition.fetch.bytes`: the most record bytes one partition contributes to a Fetch
   * (default 1048576). It also bounds prefetch: a partition is left out of the next Fetch while it
   * has this many fetched bytes waiting for its handler.
   */
  readonly maxPartitionFetchBytes?: number;
  /** `auto.offset.reset` (default 'latest'); `subscribe({ fromBeginning: true })` makes it 'earliest'. */
  readonly autoOffsetReset?: AutoOffsetReset;
  /**
   * `isolation.level` (default 'read_committed', kafkajs's default; Java's is read_uncommitted):
   * records of aborted transactions are skipped and the consumer reads up to the last stable offset.
   */
  readonly isolationLevel?: IsolationLevel;
  /** `enable.auto.commit`: commit what handlers finished, every `autoCommitIntervalMs` (default true). */
  readonly autoCommit?: boolean;
  /** `auto.commit.interval.ms` (default 5000). */
  readonly autoCommitIntervalMs?: number;
  /** `request.timeout.ms` for ListOffsets; a Fetch waits this plus `maxWaitMs` (default 30000). */
  readonly requestTimeoutMs?: number;
  /** `retry.backoff.ms`: wait before fetching again after an error (default 100). */
  readonly retryBackoffMs?: number;
  /** `key.deserializer` (default none: keys are the record's bytes, `Buffer | null`). */
  readonly keyDeserializer?: Deserializer<K>;
  /** `value.deserializer` (default none: values are `Buffer | null`). */
  readonly valueDeserializer?: Deserializer<V>;
  /**
   * Java's `ConsumerRebalanceListener.onPartitionsAssigned`: after each completed rebalance, with
   * the partitions added to this member, once fetching them from their committed offsets has begun
   * (default none). A listener that throws is logged; the rebalance goes on.
   */
  readonly onPartitionsAssigned?: PartitionsListener;
  /**
   * `onPartitionsRevoked`: with the partitions taken from this member (eager: all of them before
   * every rejoin; cooperative: only those that move; and all on `disconnect()`), after their
   * handlers finished and, with auto commit, their progress was committed (default none).
   */
  readonly onPartitionsRevoked?: PartitionsListener;
  /**
   * `onPartitionsLost`: with the partitions this member lost without a chance to commit (session
   * expired, fenced, left after `maxPollIntervalMs`); another member may already own them (default none).
   */
  readonly onPartitionsLost?: PartitionsListener;
}

/** A user's rebalance listener; the rebalance waits for the promise it returns. */
export type PartitionsListener = (partitions: TopicPartition[]) => void | Promise<void>;

/** The fetch and offset options resolved to their values. */
export interface ResolvedConsumerOptions {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly maxPartitionFetchBytes: number;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly isolationLevel: IsolationLevel;
  readonly autoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
}

export const DEFAULT_CONSUMER_OPTIONS: ResolvedConsumerOptions = {
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 52_428_800,
  maxPartitionFetchBytes: 1_048_576,
  autoOffsetReset: 'latest',
  isolationLevel: 'read_committed',
  autoCommit: true,
  autoCommitIntervalMs: 5_000,
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
};

/** Fetch carries these as int32. */
const INT32_MAX = 2 ** 31 - 1;

export function resolveConsumerOptions(options: ConsumerOptions<unknown, unknown>): ResolvedConsumerOptions {
  const int = (name: keyof ResolvedConsumerOptions, min: number): number => {
    const value = options[name] ?? DEFAULT_CONSUMER_OPTIONS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > INT32_MAX) {
      throw new ConsumerConfigError(name, value, `must be an integer from ${min} to ${INT32_MAX}`);
    }
    return value;
  };
  const oneOf = <T extends string>(name: keyof ResolvedConsumerOptions, allowed: readonly T[]): T => {
    const value = options[name] ?? DEFAULT_CONSUMER_OPTIONS[name];
    if (!allowed.includes(value as T)) {
      throw new ConsumerConfigError(name, value, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
    return value as T;
  };
  const autoCommit = options.autoCommit ?? DEFAULT_CONSUMER_OPTIONS.autoCommit;
  if (typeof autoCommit !== 'boolean')
    throw new ConsumerConfigError('autoCommit', autoCommit, 'must be a boolean');
  const resolved: ResolvedConsumerOptions = {
    maxWaitMs: int('maxWaitMs', 0),
    minBytes: int('minBytes', 0),
    maxBytes: int('maxBytes', 1),
    maxPartitionFetchBytes: int('maxPartitionFetchBytes', 1),
    autoOffsetReset: oneOf('autoOffsetReset', ['earliest', 'latest', 'none']),
    isolationLevel: oneOf('isolationLevel', ['read_committed', 'read_uncommitted']),
    autoCommit,
    autoCommitIntervalMs: int('autoCommitIntervalMs', 1),
    requestTimeoutMs: int('requestTimeoutMs', 1),
    retryBackoffMs: int('retryBackoffMs', 0),
  };
  for (const name of ['keyDeserializer', 'valueDeserializer'] as const) {
    const deserializer = options[name];
    if (deserializer !== undefined && typeof deserializer?.deserialize !== 'function') {
      throw new ConsumerConfigError(
        name,
        deserializer,
        'must be a Deserializer, an object with deserialize(bytes, context)',
      );
    }
  }
  return resolved;
}

/** An offset as handed to the API (a bigint, kafkajs's decimal string, or a safe integer) as a bigint. */
export function parseOffset(value: bigint | number | string, field: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new ConsumerConfigError(field, value, 'must not be negative');
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  throw new ConsumerConfigError(
    field,
    value,
    'must be a non-negative integer (bigint, number or decimal string)',
  );
}
