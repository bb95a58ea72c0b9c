import type { ConsumerOptions, ProducerOptions, RunnelOptions } from '@runnel/client';
import { RunnelOptionError, wholeNumber } from '../errors/runnel-option.error.js';

/** Consumer settings shared by every group of a server; `groupId` names the default group. */
export type RunnelServerConsumerOptions = Omit<ConsumerOptions, 'keyDeserializer' | 'valueDeserializer'>;

/** How a failing event handler is tried again before its record goes to the dead-letter topic. */
export interface RunnelRetryOptions {
  /** Tries in all, the first included (default 3). 1 means no retry. */
  readonly attempts?: number;
  /** Wait before the first retry; doubles for each further retry (default 200 ms). */
  readonly backoffMs?: number;
  /** Ceiling of that doubling wait (default 5000 ms). */
  readonly maxBackoffMs?: number;
}

/** `new ServerRunnel({...})`. Every option documents its default; README.md has the table. */
export interface RunnelServerOptions {
  /** The connection: `clientId`, `brokers` and the rest of @runnel/client's `RunnelOptions`. */
  readonly client: RunnelOptions;
  /**
   * Consumer options for every group (fetch sizes, session timeout, assignors, auto commit
   * interval, ...). `groupId` is the group of handlers that name none (default 'runnel-server').
   */
  readonly consumer?: RunnelServerConsumerOptions;
  /** `subscribe()` options: `fromBeginning` starts partitions without a committed offset at the earliest offset (default false). */
  readonly subscribe?: { readonly fromBeginning?: boolean };
  /** Options of the one producer that sends replies and dead letters. */
  readonly producer?: ProducerOptions;
  /**
   * Handlers running at once per partition (default 10). Records of one key always run one at a
   * time in offset order; records of different keys, and keyless records, run side by side.
   */
  readonly maxConcurrency?: number;
  /** Partitions of one group handled at the same time, each with its own `maxConcurrency` (default 16). */
  readonly partitionsConsumedConcurrently?: number;
  /** Retries of a failing event handler (defaults: 3 attempts, 200 ms doubling up to 5000 ms). */
  readonly retry?: RunnelRetryOptions;
  /**
   * After the last attempt, send the record to `<topic>.dlq` with the error in headers (default
   * true). When false the record is logged and passed over.
   */
  readonly deadLetter?: boolean;
  /** How long `close()` waits for running handlers before it commits and leaves (default 10000 ms). */
  readonly shutdownGraceMs?: number;
}

export interface ResolvedRunnelServerOptions {
  readonly client: RunnelOptions;
  readonly consumer: RunnelServerConsumerOptions & { readonly groupId: string };
  readonly fromBeginning: boolean;
  readonly producer: ProducerOptions;
  readonly maxConcurrency: number;
  readonly partitionsConsumedConcurrently: number;
  readonly retry: Required<RunnelRetryOptions>;
  readonly deadLetter: boolean;
  readonly shutdownGraceMs: number;
}

export const DEFAULT_GROUP_ID = 'runnel-server';

export const DEFAULT_SERVER_OPTIONS = {
  maxConcurrency: 10,
  partitionsConsumedConcurrently: 16,
  retry: { attempts: 3, backoffMs: 200, maxBackoffMs: 5_000 },
  deadLetter: true,
  shutdownGraceMs: 10_000,
} as const;

export function resolveServerOptions(options: RunnelServerOptions): ResolvedRunnelServerOptions {
  if (options?.client === undefined) {
    throw new RunnelOptionError('client', options?.client, 'is required: { clientId, brokers }');
  }
  const groupId = options.consumer?.groupId ?? DEFAULT_GROUP_ID;
  if (typeof groupId !== 'string' || groupId.length === 0) {
    throw new RunnelOptionError('consumer.groupId', groupId, 'must be a non-empty string');
  }
  const defaults = DEFAULT_SERVER_OPTIONS;
  const deadLetter = options.deadLetter ?? defaults.deadLetter;
  if (typeof deadLetter !== 'boolean')
    throw new RunnelOptionError('deadLetter', deadLetter, 'must be a boolean');
  const retry = {
    attempts: wholeNumber('retry.attempts', options.retry?.attempts ?? defaults.retry.attempts, 1, 1000),
    backoffMs: wholeNumber('retry.backoffMs', options.retry?.backoffMs ?? defaults.retry.backoffMs, 0),
    maxBackoffMs: wholeNumber(
      'retry.maxBackoffMs',
      options.retry?.maxBackoffMs ?? defaults.retry.maxBackoffMs,
      0,
    ),
  };
  return {
    client: options.client,
    consumer: { ...options.consumer, groupId },
    fromBeginning: options.subscribe?.fromBeginning ?? false,
    producer: options.producer ?? {},
    maxConcurrency: wholeNumber(
      'maxConcurrency',
      options.maxConcurrency ?? defaults.maxConcurrency,
      1,
      10_000,
    ),
    partitionsConsumedConcurrently: wholeNumber(
      'partitionsConsumedConcurrently',
      options.partitionsConsumedConcurrently ?? defaults.partitionsConsumedConcurrently,
      1,
      10_000,
    ),
    retry,
    deadLetter,
    shutdownGraceMs: wholeNumber('shutdownGraceMs', options.shutdownGraceMs ?? defaults.shutdownGraceMs, 0),
  };
}
