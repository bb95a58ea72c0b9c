import type { Deserializer } from '@runnel/protocol';

/** One header value; a key that repeats in a record gives an array of its values, in order (as kafkajs). */
export type ConsumerHeaderValue = Buffer | null;

/** A record's headers by key. The object has no prototype, so any key (even `__proto__`) is data. */
export type ConsumerMessageHeaders = Record<string, ConsumerHeaderValue | ConsumerHeaderValue[]>;

/** One record as handlers see it. */
export interface ConsumerMessage<K = Buffer | null, V = Buffer | null> {
  /** The key: the record's bytes (a view into the fetched buffer), or what `keyDeserializer` made of them. */
  key: K | null;
  /** The value, as `key`; null for a tombstone. */
  value: V | null;
  headers: ConsumerMessageHeaders;
  /** Milliseconds since the epoch: CreateTime, or the broker's LogAppendTime. */
  timestamp: number;
  offset: bigint;
}

/** The records of one partition handed to a handler together, in offset order. */
export interface ConsumerBatch<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  /** The partition's high watermark when these records were fetched. */
  highWatermark: bigint;
  messages: ConsumerMessage<K, V>[];
}

/** Turns a record's key and value into what handlers see; bytes when no deserializer is configured. */
export interface MessageDeserializers<K, V> {
  keyDeserializer?: Deserializer<K> | undefined;
  valueDeserializer?: Deserializer<V> | undefined;
}
