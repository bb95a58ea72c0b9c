import {
  CompressionType,
  type Partitioner,
  type PartitionerInput,
  RoundRobinPartitioner,
  type Serializer,
  StickyPartitioner,
} from '@runnel/protocol';
import { ProducerConfigError } from './producer-errors.js';

/** Kafka's `acks`: 0 no answer, 1 the leader appended, -1 (`all`) every in-sync replica has it. */
export type Acks = 0 | 1 | -1;

/** Kafka's `compression.type` names. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** A partitioner as a function: the partition of a record that names none. */
export type PartitionerFunction = (input: PartitionerInput) => number;

/**
 * Producer options. Each has Kafka's meaning; its Kafka name and default are beside it and in
 * docs/producer.md.
 */
export interface ProducerOptions<K = unknown, V = unknown> {
  /** `acks` (default -1: all in-sync replicas). */
  readonly acks?: Acks;
  /**
   * `enable.idempotence` (default true, as Java since 3.0): InitProducerId and per-partition
   * sequence numbers, so retries neither duplicate nor reorder. Needs acks -1,
   * maxInFlightRequests <= 5 and retries > 0; left unset, it turns itself off when those conflict.
   */
  readonly idempotent?: boolean;
  /** `compression.type` (default 'none'). */
  readonly compression?: CompressionName;
  /** `batch.size`: bytes of one partition's batch before it is sent (default 16384). */
  readonly batchSize?: number;
  /** `linger.ms`: how long a batch that is not full waits for more records (default 5, as Kafka 4). */
  readonly lingerMs?: number;
  /** `buffer.memory`: bytes of batches waiting or in flight, at most (default 33554432, 32 MiB). */
  readonly bufferMemory?: number;
  /** `max.block.ms`: how long send() waits for buffer memory or metadata (default 60000). */
  readonly maxBlockMs?: number;
  /** `max.request.size`: the largest record, and the largest Produce request (default 1048576). */
  readonly maxRequestSize?: number;
  /** `max.in.flight.requests.per.connection` (default 5; at most 5 when idempotent). */
  readonly maxInFlightRequests?: number;
  /** `request.timeout.ms`: how long to wait for a Produce response (default 30000). */
  readonly requestTimeoutMs?: number;
  /**
   * `delivery.timeout.ms`: the most time from send() to success or failure, retries included
   * (default 120000; at least lingerMs + requestTimeoutMs).
   */
  readonly deliveryTimeoutMs?: number;
  /** `retries` (default 2147483647: retry until deliveryTimeoutMs). */
  readonly retries?: number;
  /** `retry.backoff.ms`: wait before retrying a batch (default 100). */
  readonly retryBackoffMs?: number;
  /** `retry.backoff.max.ms`: ceiling of the exponential backoff of reconnects and retries (default 1000). */
  readonly retryBackoffMaxMs?: number;
  /**
   * `partitioner.class`: 'sticky' (default; Kafka 2.4+), 'round-robin', a `Partitioner`, or a
   * function. Keyed records go by murmur2 as the Java client with both built-ins.
   */
  readonly partitioner?: 'sticky' | 'round-robin' | Partitioner | PartitionerFunction;
  /** `key.serializer` (default: Buffer and string keys as they are, strings as UTF-8). */
  readonly keySerializer?: Serializer<K>;
  /** `value.serializer` (default: as keySerializer). */
  readonly valueSerializer?: Serializer<V>;
  /**
   * Whether metadata requests ask the broker to create a missing topic (default true, as kafkajs
   * and the Java producer); the broker's `auto.create.topics.enable` decides too.
   */
  readonly allowAutoTopicCreation?: boolean;
}

/** Every option resolved to its value. */
export interface ResolvedProducerOptions {
  readonly acks: Acks;
  readonly idempotent: boolean;
  readonly compression: CompressionType;
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly bufferMemory: number;
  readonly maxBlockMs: number;
  readonly maxRequestSize: number;
  readonly maxInFlightRequests: number;
  readonly requestTimeoutMs: number;
  readonly deliveryTimeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly partitioner: Partitioner;
  readonly allowAutoTopicCreation: boolean;
}

export const PRODUCER_DEFAULTS = {
  acks: -1,
  compression: 'none',
  batchSize: 16384,
  lingerMs: 5,
  bufferMemory: 33554432,
  maxBlockMs: 60000,
  maxRequestSize: 1048576,
  maxInFlightRequests: 5,
  requestTimeoutMs: 30000,
  deliveryTimeoutMs: 120000,
  retries: 2147483647,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  allowAutoTopicCreation: true,
} as const;

/** Kafka's limit for idempotence: the broker remembers the last 5 batches of each producer per partition. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

const COMPRESSIONS: Readonly<Record<CompressionName, CompressionType>> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

function integer(option: string, value: number, min: number, max = 2147483647): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProducerConfigError(option, value, `must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function partitionerOf(option: ProducerOptions['partitioner']): Partitioner {
  if (option === undefined || option === 'sticky') return new StickyPartitioner();
  if (option === 'round-robin') return new RoundRobinPartitioner();
  if (typeof option === 'function') return { partition: option };
  if (typeof option === 'object' && option !== null && typeof option.partition === 'function') return option;
  throw new ProducerConfigError(
    'partitioner',
    option,
    "must be 'sticky', 'round-robin', a function or an object with partition()",
  );
}

/** Checks every option and fills in the defaults; throws ProducerConfigError naming the first bad one. */
export function resolveProducerOptions(options: ProducerOptions = {}): ResolvedProducerOptions {
  const d = PRODUCER_DEFAULTS;
  const acks = options.acks ?? d.acks;
  if (acks !== 0 && acks !== 1 && acks !== -1) {
    throw new ProducerConfigError('acks', acks, 'must be 0, 1 or -1');
  }
  const compressionName = options.compression ?? d.compression;
  const compression = COMPRESSIONS[compressionName];
  if (compression === undefined) {
    throw new ProducerConfigError('compression', compressionName, 'must be none, gzip, snappy, lz4 or zstd');
  }
  const maxInFlightRequests = integer(
    'maxInFlightRequests',
    options.maxInFlightRequests ?? d.maxInFlightRequests,
    1,
  );
  const retries = integer('retries', options.retries ?? d.retries, 0);
  const idempotent =
    options.idempotent ??
    (acks === -1 && maxInFlightRequests <= MAX_IN_FLIGHT_FOR_IDEMPOTENCE && retries > 0);
  if (idempotent) {
    if (acks !== -1) throw new ProducerConfigError('acks', acks, 'must be -1 when idempotent is true');
    if (maxInFlightRequests > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      throw new ProducerConfigError(
        'maxInFlightRequests',
        maxInFlightRequests,
        `must be at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} when idempotent is true`,
      );
    }
    if (retries === 0)
      throw new ProducerConfigError('retries', retries, 'must be above 0 when idempotent is true');
  }
  const lingerMs = integer('lingerMs', options.lingerMs ?? d.lingerMs, 0);
  const requestTimeoutMs = integer('requestTimeoutMs', options.requestTimeoutMs ?? d.requestTimeoutMs, 1);
  const deliveryTimeoutMs = integer('deliveryTimeoutMs', options.deliveryTimeoutMs ?? d.deliveryTimeoutMs, 1);
  if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
    throw new ProducerConfigError(
      'deliveryTimeoutMs',
      deliveryTimeoutMs,
      `must be at least lingerMs + requestTimeoutMs (${lingerMs + requestTimeoutMs})`,
    );
  }
  const bufferMemory = integer(
    'bufferMemory',
    options.bufferMemory ?? d.bufferMemory,
    1024,
    Number.MAX_SAFE_INTEGER,
  );
  const batchSize = integer('batchSize', options.batchSize ?? d.batchSize, 61, bufferMemory);
  const retryBackoffMs = integer('retryBackoffMs', options.retryBackoffMs ?? d.retryBackoffMs, 0);
  return {
    acks,
    idempotent,
    compression,
    batchSize,
    lingerMs,
    bufferMemory,
    maxBlockMs: integer('maxBlockMs', options.maxBlockMs ?? d.maxBlockMs, 0),
    maxRequestSize: integer('maxRequestSize', options.maxRequestSize ?? d.maxRequestSize, 61),
    maxInFlightRequests,
    requestTimeoutMs,
    deliveryTimeoutMs,
    retries,
    retryBackoffMs,
    retryBackoffMaxMs: integer(
      'retryBackoffMaxMs',
      options.retryBackoffMaxMs ?? Math.max(d.retryBackoffMaxMs, retryBackoffMs),
      retryBackoffMs,
    ),
    partitioner: partitionerOf(options.partitioner),
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? d.allowAutoTopicCreation,
  };
}
