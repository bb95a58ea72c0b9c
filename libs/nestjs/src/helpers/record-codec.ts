import type { ConsumerMessageHeaders, MessageHeaders } from '@runnel/client';

/**
 * Values and headers as NestJS's Kafka transport reads and writes them (its KafkaParser and
 * KafkaRequestSerializer), so records pass unchanged between this transport and `Transport.KAFKA`:
 * - a value that starts with `{` or `[` and parses as JSON is that JSON; other bytes are a UTF-8
 *   string, except bytes starting with a zero byte (a schema-registry payload), kept as a Buffer;
 * - what is written: a string or Buffer as is, `undefined` as null, a plain object or array as JSON.
 */
export function decodeValue(bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  if (bytes.length > 0 && bytes[0] === 0) return bytes;
  const text = bytes.toString('utf8');
  const first = text.charAt(0);
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A value as NestJS's KafkaRequestSerializer encodes it. */
export function encodeValue(value: unknown): string | Buffer | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    const isPlain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
    return isPlain || value.toString === Object.prototype.toString ? JSON.stringify(value) : String(value);
  }
  return String(value);
}

/** Decoded headers: UTF-8 strings; a key that repeats in the record gives its values in order. */
export type DecodedHeaders = Record<string, string | string[]>;

export function decodeHeaders(headers: ConsumerMessageHeaders): DecodedHeaders {
  const decoded: DecodedHeaders = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) decoded[name] = value.map((v) => v?.toString('utf8') ?? '');
    else decoded[name] = value?.toString('utf8') ?? '';
  }
  return decoded;
}

/** The single value of a header (the last one when it repeats), or undefined. */
export function headerValue(headers: DecodedHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/**
 * A record to produce from what an application emits: an object with `key` or `value` is taken
 * as a Kafka message (as NestJS's ClientKafka does), anything else is the value.
 */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string | Buffer>;
  partition?: number;
}

export function toOutgoingRecord(data: unknown): OutgoingRecord {
  const isMessage =
    data !== null && typeof data === 'object' && !Buffer.isBuffer(data) && ('key' in data || 'value' in data);
  if (!isMessage) return { key: null, value: encodeValue(data), headers: {} };
  const message = data as { key?: unknown; value?: unknown; headers?: MessageHeaders; partition?: number };
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (typeof value === 'string' || Buffer.isBuffer(value)) headers[name] = value;
  }
  return {
    key:
      message.key === undefined || message.key === null
        ? null
        : (encodeValue(message.key) as string | Buffer),
    value: encodeValue(message.value),
    headers,
    ...(typeof message.partition === 'number' ? { partition: message.partition } : {}),
  };
}
