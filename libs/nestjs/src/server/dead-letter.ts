import type { ConsumerMessage, Message } from '@runnel/client';
import { RunnelHeaders } from '../enums/runnel-headers.enum.js';
import { isPayloadValidationError } from '../errors/payload-validation.exception.js';

/** The dead-letter topic of a topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Why a record was given up, as ServerRunnel's 'dead-letter' event reports it. */
export interface DeadLetterEvent {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Tries made; 1 for a validation failure, which is never retried. */
  readonly attempts: number;
  /** What the last try failed with, as it came out of NestJS's exception filters. */
  readonly error: unknown;
  /** The topic it was sent to; undefined when `deadLetter` is false and the record was passed over. */
  readonly deadLetterTopic: string | undefined;
}

/**
 * The dead-letter record of `message`: the original key, value and headers unchanged, with the
 * `kafka_dlt-*` headers added (replacing any from an earlier dead-lettering) saying what failed
 * and where the record came from.
 */
export function deadLetterMessage(
  message: ConsumerMessage,
  event: Omit<DeadLetterEvent, 'deadLetterTopic'>,
): Message<Buffer | null, Buffer | null> {
  const headers: Record<string, Buffer | Buffer[]> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (Array.isArray(value)) headers[name] = value.map((v) => v ?? Buffer.alloc(0));
    else headers[name] = value ?? Buffer.alloc(0);
  }
  const text = (s: string) => Buffer.from(s, 'utf8');
  headers[RunnelHeaders.DLT_EXCEPTION_MESSAGE] = text(errorMessage(event.error));
  headers[RunnelHeaders.DLT_EXCEPTION_FQCN] = text(errorName(event.error));
  if (isPayloadValidationError(event.error)) {
    headers[RunnelHeaders.DLT_VALIDATION_ERRORS] = text(JSON.stringify(event.error.violations));
  }
  headers[RunnelHeaders.DLT_ORIGINAL_TOPIC] = text(event.topic);
  headers[RunnelHeaders.DLT_ORIGINAL_PARTITION] = text(String(event.partition));
  headers[RunnelHeaders.DLT_ORIGINAL_OFFSET] = text(event.offset.toString());
  headers[RunnelHeaders.DLT_ORIGINAL_TIMESTAMP] = text(String(message.timestamp));
  headers[RunnelHeaders.DLT_ORIGINAL_CONSUMER_GROUP] = text(event.groupId);
  headers[RunnelHeaders.DELIVERY_ATTEMPT] = text(String(event.attempts));
  return { key: message.key, value: message.value, headers };
}

/**
 * The message of an error as a handler's failure reaches the transport: an Error's message, or
 * the `message` of the `{ status, message }` object NestJS's RPC exception filter makes of it
 * (the handler's own message for an RpcException; "Internal server error" for any other error,
 * whose original NestJS logs).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    return JSON.stringify(error) ?? String(error);
  }
  return String(error);
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'RpcException';
}
