import type { ConsumerOptions, ProducerOptions, RunnelOptions } from '@runnel/client';
import { wholeNumber } from '../errors/runnel-option.error.js';

/** `new ClientRunnel({...})` and `RunnelModule.forRoot({ name, ... })`. README.md has the table. */
export interface RunnelClientOptions {
  /** The connection: `clientId`, `brokers` and the rest of @runnel/client's `RunnelOptions`. */
  readonly client: RunnelOptions;
  /** Options of the producer that sends events and requests (default: the producer's defaults). */
  readonly producer?: ProducerOptions;
  /** Fetch options of the reply consumer, which reads reply topics in assign mode (no group). */
  readonly consumer?: Pick<ConsumerOptions, 'maxWaitMs' | 'minBytes' | 'maxBytes' | 'maxPartitionFetchBytes'>;
  /** How long `send()` waits for a reply before it fails with RequestTimeoutError (default 30000 ms). */
  readonly requestTimeoutMs?: number;
  /**
   * Request patterns whose reply topics `connect()` assigns up front (default none). A pattern
   * not listed is assigned at its first `send()`, before that request is sent.
   */
  readonly replyPatterns?: readonly string[];
  /** Events only: no reply consumer; `send()` fails (default false). */
  readonly producerOnlyMode?: boolean;
}

export const DEFAULT_CLIENT_OPTIONS = {
  requestTimeoutMs: 30_000,
  // The reply consumer polls briefly so that a reply is picked up soon after it is written.
  consumer: { maxWaitMs: 100 },
} as const;

export interface ResolvedRunnelClientOptions {
  readonly client: RunnelOptions;
  readonly producer: ProducerOptions;
  readonly consumer: ConsumerOptions;
  readonly requestTimeoutMs: number;
  readonly replyPatterns: readonly string[];
  readonly producerOnlyMode: boolean;
}

export function resolveClientOptions(options: RunnelClientOptions): ResolvedRunnelClientOptions {
  return {
    client: options.client,
    producer: options.producer ?? {},
    consumer: { ...DEFAULT_CLIENT_OPTIONS.consumer, ...options.consumer },
    requestTimeoutMs: wholeNumber(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? DEFAULT_CLIENT_OPTIONS.requestTimeoutMs,
      1,
    ),
    replyPatterns: options.replyPatterns ?? [],
    producerOnlyMode: options.producerOnlyMode ?? false,
  };
}
