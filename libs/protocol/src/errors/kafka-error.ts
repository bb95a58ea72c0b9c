import { ErrorCode, type ErrorCodeEntry, type ErrorName, errorByCode } from './error-codes.js';

export interface KafkaErrorOptions {
  /**
   * What the error is about, put in front of the message: `topic 'orders' partition 3`,
   * `group 'billing'`. Default: nothing.
   */
  readonly context?: string;
  /**
   * A description that replaces Kafka's default one for the code, typically the `error_message`
   * a response carried (null when the response had none). Default: the table's description.
   */
  readonly message?: string | null;
  readonly cause?: unknown;
}

/**
 * An error code received from (or about to be sent by) a broker, as a typed error.
 *
 * Message format: `[<context>: ]<NAME> (<code>): <description>`, e.g.
 * `topic 'orders' partition 3: NOT_LEADER_OR_FOLLOWER (6): For requests intended only for the leader, ...`.
 * `code` is the code on the wire, even when it is one this version does not know (then `errorName`
 * is UNKNOWN_SERVER_ERROR, as in Kafka's client). NONE (0) is not an error and is refused.
 */
export class KafkaError extends Error {
  override readonly name = 'KafkaError';
  /** The int16 error code, as on the wire. */
  readonly code: number;
  /** Kafka's name for the code. */
  readonly errorName: ErrorName;
  /** Whether sending the request again may succeed (see the table in error-codes.ts). */
  readonly retriable: boolean;
  /** What the error is about, when the thrower said so. */
  readonly context: string | undefined;

  constructor(entry: ErrorCodeEntry, options: KafkaErrorOptions = {}) {
    if (entry.code === ErrorCode.NONE) {
      throw new RangeError('error code 0 (NONE) means success and cannot make a KafkaError');
    }
    const description = options.message ?? entry.message;
    const prefix = options.context === undefined ? '' : `${options.context}: `;
    super(`${prefix}${entry.name} (${entry.code}): ${description}`, { cause: options.cause });
    this.code = entry.code;
    this.errorName = entry.name;
    this.retriable = entry.retriable;
    this.context = options.context;
  }

  /** The error for a wire code; unknown codes become UNKNOWN_SERVER_ERROR keeping their code. */
  static fromCode(code: number, options?: KafkaErrorOptions): KafkaError {
    return new KafkaError(errorByCode(code), options);
  }

  /** Kafka's `Errors.maybeThrow`: does nothing for NONE (0), throws the KafkaError for any other code. */
  static throwIfError(code: number, options?: KafkaErrorOptions): void {
    if (code !== ErrorCode.NONE) throw KafkaError.fromCode(code, options);
  }
}

/**
 * The one place that decides whether an error is worth retrying: true only for a KafkaError whose
 * code Kafka marks retriable. Anything else (a decoding ProtocolError, a serializer error, a bug) is
 * not retried.
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof KafkaError && error.retriable;
}
