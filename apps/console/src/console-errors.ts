import { ConnectionError, KafkaError, RunnelError, TimeoutError, TopicNotFoundError } from '@runnel/client';

/** A request the console refuses or cannot do, with the HTTP status that says why. */
export class ConsoleRequestError extends Error {
  override readonly name = 'ConsoleRequestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Kafka errors by name that mean the request itself is wrong (400), clashes with the cluster's
 * state (409), or names what is not there (404).
 */
const BAD_REQUEST = new Set([
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_CONFIG',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
]);
const CONFLICT = new Set(['TOPIC_ALREADY_EXISTS', 'NON_EMPTY_GROUP']);
const NOT_FOUND = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'GROUP_ID_NOT_FOUND']);

export interface ErrorAnswer {
  readonly status: number;
  /** The error's class, or Kafka's error name (`INVALID_REPLICATION_FACTOR`). */
  readonly error: string;
  readonly message: string;
}

/**
 * How an error reaches the page or the API caller: one status per kind, the client's message
 * (which names the topic, partition or group) kept. A broker that cannot be reached is 503, a
 * Kafka error nobody classified 502 (the cluster answered, but not with what was asked).
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ConsoleRequestError) return { status: error.status, error: error.name, message };
  if (error instanceof TopicNotFoundError) return { status: 404, error: error.name, message };
  if (error instanceof KafkaError) {
    const kafkaName = error.errorName;
    const status = BAD_REQUEST.has(kafkaName)
      ? 400
      : CONFLICT.has(kafkaName)
        ? 409
        : NOT_FOUND.has(kafkaName)
          ? 404
          : 502;
    return { status, error: kafkaName, message };
  }
  if (error instanceof ConnectionError || error instanceof TimeoutError) {
    return { status: 503, error: error.name, message: `the cluster cannot be reached: ${message}` };
  }
  if (error instanceof RunnelError) return { status: 400, error: error.name, message };
  return { status: 500, error: 'InternalError', message };
}
