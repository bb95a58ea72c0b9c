import type { RecordHeader } from '../serializers/serializer.js';

/**
 * One decoded record. `key`, `value` and header values are views into the batch bytes (or into
 * the decompressed records section): keep those alive, or copy.
 */
export interface KafkaRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** CreateTime: baseTimestamp + timestampDelta; LogAppendTime: the batch's maxTimestamp. */
  timestamp: bigint;
  /** baseOffset + offsetDelta. */
  offset: bigint;
}

/** A record to encode; its offset delta is its index in the batch. */
export interface RecordInput {
  /** Default null. */
  key?: Uint8Array | null;
  value: Uint8Array | null;
  /** Default none. */
  headers?: readonly { key: string; value: Uint8Array | null }[];
  /**
   * Milliseconds since the epoch, a safe integer (|t| < 2^53); default: the batch's
   * baseTimestamp.
   */
  timestamp?: bigint | number;
}

/** Bit 3 of the batch attributes: who set the timestamps. */
export const TimestampType = {
  /** Set by the producer, per record. */
  CreateTime: 0,
  /** Set by the broker on append: every record's timestamp is the batch's maxTimestamp. */
  LogAppendTime: 1,
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];
