export interface RunnelErrorOptions {
  /** Whether trying again (after a metadata refresh or a reconnect) may succeed. Default false. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

/**
 * The base of every error the client raises itself, as opposed to error codes a broker sent
 * (those are @runnel/protocol's `KafkaError`, which carries `retriable` the same way).
 */
export class RunnelError extends Error {
  override name = 'RunnelError';
  /** Whether trying again may succeed; `isRetriable` reads it. */
  readonly retriable: boolean;

  constructor(message: string, options: RunnelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}
