import type { Serializer } from '@runnel/protocol';

/** A key or value the producer takes without a serializer: bytes, a string (sent as UTF-8), or null. */
export type RecordValue = Buffer | string | null;

/** A header value: a string (sent as UTF-8) or bytes; an array sends the key once per value, in order. */
export type HeaderValue = string | Buffer;

/** Record headers as kafkajs takes them: an object of key -> value(s); keys keep their order. */
export type MessageHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

/** One record of a send(). */
export interface Message<K = RecordValue, V = RecordValue> {
  /** Default null: no key, placed by the partitioner's keyless rule. */
  readonly key?: K | null;
  /** null is a tombstone. */
  readonly value: V | null;
  /** Default none. */
  readonly headers?: MessageHeaders;
  /** An explicit partition, which wins over the partitioner. Default: the partitioner decides. */
  readonly partition?: number | null;
  /** CreateTime in milliseconds since the epoch (kafkajs's string form too). Default: now. */
  readonly timestamp?: number | string;
}

/** One record sent on its own: `producer.send({ topic, key, value })`. */
export interface ProducerRecord<K = RecordValue, V = RecordValue> extends Message<K, V> {
  readonly topic: string;
}

/** Several records of one topic: `producer.send({ topic, messages })`, with per-call serializers. */
export interface TopicMessages<K = RecordValue, V = RecordValue> {
  readonly topic: string;
  /**
   * Typed by the serializers that will encode them (this call's, else the producer's), never
   * inferred from the records: a value the serializer cannot take is a compile error.
   */
  readonly messages: readonly Message<NoInfer<K>, NoInfer<V>>[];
  /** Replaces the producer's keySerializer for this call. */
  readonly keySerializer?: Serializer<K>;
  /** Replaces the producer's valueSerializer for this call. */
  readonly valueSerializer?: Serializer<V>;
}

/**
 * Where one record landed. `offset` is -1n with acks 0 (no answer); `timestamp` is the record's
 * CreateTime, or the broker's LogAppendTime for topics that use it.
 */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
}
