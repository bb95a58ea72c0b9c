import { type RecordHeaderInput, SerializationError, type Serializer } from '@runnel/protocol';
import type { Message, MessageHeaders } from './producer-record.js';

/**
 * The records of one send(), serialized before any of them is appended, so a serializer that
 * throws or a value of the wrong type refuses the whole call and nothing of it is sent. Columns,
 * one entry per message, rather than an object per record; a column every record leaves at its
 * default (no key, no headers, no explicit partition, the call's time) is not made at all, since
 * these live as long as the call is in flight and the garbage collector copies what lives.
 */
export interface SerializedRecords {
  readonly count: number;
  readonly values: (Buffer | string | null)[];
  /** null: no record has a key. */
  readonly keys: (Buffer | null)[] | null;
  /** null: no record has headers. */
  readonly headers: (RecordHeaderInput[] | undefined)[] | null;
  /** One number: every record takes the time of the call. */
  readonly timestamps: number[] | number;
  /** null: no record names its partition. */
  readonly partitions: (number | undefined)[] | null;
}

/** Record `i`'s key. */
export const keyAt = (r: SerializedRecords, i: number): Buffer | null =>
  r.keys === null ? null : r.keys[i]!;
/** Record `i`'s headers. */
export const headersAt = (r: SerializedRecords, i: number): RecordHeaderInput[] | undefined =>
  r.headers === null ? undefined : r.headers[i];
/** Record `i`'s CreateTime. */
export const timestampAt = (r: SerializedRecords, i: number): number =>
  typeof r.timestamps === 'number' ? r.timestamps : r.timestamps[i]!;
/** Record `i`'s explicit partition. */
export const partitionAt = (r: SerializedRecords, i: number): number | undefined =>
  r.partitions === null ? undefined : r.partitions[i];

/** A column holding `fill` for records 0 .. i-1, made when record i is the first to differ. */
function column<T>(n: number, i: number, fill: T): T[] {
  const c = new Array<T>(n);
  for (let j = 0; j < i; j++) c[j] = fill;
  return c;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** Keys without a serializer: bytes as they are, strings as UTF-8 (the partitioner hashes the bytes). */
function rawKey(key: unknown, topic: string, index: number): Buffer | null {
  if (key === undefined || key === null) return null;
  if (Buffer.isBuffer(key)) return key;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  throw new SerializationError(
    `messages[${index}].key is ${describe(key)}; without a keySerializer a key must be a Buffer, a string or null`,
    { location: { topic } },
  );
}

/** Values without a serializer: bytes and strings go into the batch as they are. */
function rawValue(value: unknown, topic: string, index: number): Buffer | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  throw new SerializationError(
    `messages[${index}].value is ${describe(value)}; without a valueSerializer a value must be a Buffer, a string or null`,
    { location: { topic } },
  );
}

function serialized<T>(
  serializer: Serializer<T>,
  input: T | null | undefined,
  topic: string,
  field: string,
): Buffer | null {
  let bytes: Buffer | null;
  try {
    bytes = serializer.serialize(input ?? null, { topic });
  } catch (cause) {
    if (cause instanceof SerializationError) throw cause;
    throw new SerializationError(
      `${field}: the serializer threw: ${(cause as Error)?.message ?? String(cause)}`,
      {
        location: { topic },
        cause,
      },
    );
  }
  if (bytes !== null && !Buffer.isBuffer(bytes)) {
    throw new SerializationError(
      `${field}: the serializer returned ${describe(bytes)}, not a Buffer or null`,
      {
        location: { topic },
      },
    );
  }
  return bytes;
}

function headersOf(headers: MessageHeaders, topic: string, index: number): RecordHeaderInput[] | undefined {
  const list: RecordHeaderInput[] = [];
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as unknown[]) {
      if (typeof v !== 'string' && !Buffer.isBuffer(v)) {
        throw new SerializationError(
          `messages[${index}].headers['${key}'] is ${describe(v)}; header values must be strings or Buffers`,
          { location: { topic } },
        );
      }
      list.push({ key, value: v });
    }
  }
  return list.length === 0 ? undefined : list;
}

function timestampOf(
  timestamp: number | string | undefined,
  nowMs: number,
  topic: string,
  index: number,
): number {
  if (timestamp === undefined) return nowMs;
  const ms = typeof timestamp === 'string' ? Number(timestamp) : timestamp;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new SerializationError(
      `messages[${index}].timestamp ${String(timestamp)} is not a non-negative integer of milliseconds`,
      { location: { topic } },
    );
  }
  return ms;
}

/** Serializes every message of a send() (see SerializedRecords); throws SerializationError naming the message. */
export function serializeMessages<K, V>(
  topic: string,
  messages: readonly Message<K, V>[],
  keySerializer: Serializer<K> | undefined,
  valueSerializer: Serializer<V> | undefined,
  nowMs: number,
): SerializedRecords {
  const n = messages.length;
  const values = new Array<Buffer | string | null>(n);
  let keys: (Buffer | null)[] | null = null;
  let headers: (RecordHeaderInput[] | undefined)[] | null = null;
  let timestamps: number[] | null = null;
  let partitions: (number | undefined)[] | null = null;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    if (typeof m !== 'object' || m === null) {
      throw new SerializationError(`messages[${i}] is ${describe(m)}, not a message object`, {
        location: { topic },
      });
    }
    const key =
      keySerializer === undefined
        ? rawKey(m.key, topic, i)
        : serialized(keySerializer, m.key, topic, `messages[${i}].key`);
    if (key !== null) keys ??= column(n, i, null);
    if (keys !== null) keys[i] = key;
    values[i] =
      valueSerializer === undefined
        ? rawValue(m.value, topic, i)
        : serialized(valueSerializer, m.value, topic, `messages[${i}].value`);
    const h = m.headers === undefined || m.headers === null ? undefined : headersOf(m.headers, topic, i);
    if (h !== undefined) headers ??= column(n, i, undefined);
    if (headers !== null) headers[i] = h;
    if (m.timestamp !== undefined) timestamps ??= column(n, i, nowMs);
    if (timestamps !== null) timestamps[i] = timestampOf(m.timestamp, nowMs, topic, i);
    const partition = m.partition ?? undefined;
    if (partition !== undefined) partitions ??= column(n, i, undefined);
    if (partitions !== null) partitions[i] = partition;
  }
  return { count: n, values, keys, headers, timestamps: timestamps ?? nowMs, partitions };
}
