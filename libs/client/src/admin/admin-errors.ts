import { ErrorCode, KafkaError } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';

/**
 * Several parts of one admin call failed (e.g. two of three topics could not be created): each
 * failure is in `errors`, a KafkaError naming its topic, partition or group. Retriable only when
 * every one of them is.
 */
export class AdminAggregateError extends RunnelError {
  override name = 'AdminAggregateError';
  readonly errors: readonly Error[];

  constructor(operation: string, errors: readonly Error[]) {
    super(`${operation}: ${errors.length} failures: ${errors.map((e) => e.message).join('; ')}`, {
      retriable: errors.every((e) => (e as { retriable?: boolean }).retriable === true),
      cause: errors[0],
    });
    this.errors = errors;
  }
}

/** The error for a code in a response about `context` (`topic 'orders'`), or undefined for NONE. */
export function errorFor(code: number, context: string, message?: string | null): KafkaError | undefined {
  return code === ErrorCode.NONE
    ? undefined
    : KafkaError.fromCode(code, { context, message: message ?? null });
}

/** Throws the one error as it is, several as an AdminAggregateError; nothing when there are none. */
export function throwCollected(operation: string, errors: readonly Error[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AdminAggregateError(operation, errors);
}
