import { isRetriable as isRetriableKafkaError } from '@runnel/protocol';
import { RunnelError } from './runnel-error.js';

/**
 * The one place the client decides whether to retry: a broker error code Kafka marks retriable
 * (decided by @runnel/protocol's table), or a client error raised as retriable (a lost connection,
 * a timeout). Everything else — a decoding error, a serializer error, a bug — is final.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof RunnelError) return error.retriable;
  return isRetriableKafkaError(error);
}
