import type { Clock } from './clock.js';
import type { KafkaStorageError } from './errors.js';
import type { LogOptions } from './log-config.js';

/** What PartitionLog's methods take and return. */

export interface PartitionLogOptions extends LogOptions {
  /** Time for segmentMs, retentionMs, flushMs and tombstone expiry (default the system clock). */
  clock?: Clock;
  /** Called once when an I/O error takes the log offline. */
  onOffline?: (error: KafkaStorageError) => void;
}

export interface AppendResult {
  /** Offset assigned to the batch's first record. */
  baseOffset: bigint;
  lastOffset: bigint;
  logEndOffset: bigint;
}

export interface FetchResult {
  /** Whole batches, bytes as stored; empty at the end of the log. */
  records: Buffer;
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}
