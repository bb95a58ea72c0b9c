import type { RecordLocation } from '../errors/serialization-error.js';

/** A record header as Kafka carries it: a UTF-8 key and nullable bytes; keys may repeat, order is kept. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** What a serializer knows of the record it serializes. */
export interface SerializationContext {
  /** The topic the record is produced to. */
  readonly topic: string;
  /** The record's headers, in order. Default: none. */
  readonly headers?: readonly RecordHeader[];
}

/** What a deserializer knows of the record it deserializes; partition and offset name it in errors. */
export interface DeserializationContext extends SerializationContext, RecordLocation {}

/**
 * Turns a key or a value into the bytes of a record (Kafka's `Serializer<T>`). `null` stays `null`:
 * a null value is a tombstone, a null key means "no key", and neither must become bytes.
 * Failures throw a SerializationError.
 */
export interface Serializer<T> {
  serialize(value: T | null, context?: SerializationContext): Buffer | null;
}

/**
 * Turns the bytes of a record's key or value back into a value (Kafka's `Deserializer<T>`). `null`
 * bytes (a tombstone, or no key) give `null`. Failures throw a SerializationError naming the record.
 */
export interface Deserializer<T> {
  deserialize(bytes: Buffer | null, context?: DeserializationContext): T | null;
}
