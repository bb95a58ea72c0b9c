import { BatchLayout, LOG_OVERHEAD } from '@runnel/protocol';
import { OffsetOutOfRangeError } from './errors.js';
import type { LogSegments } from './log-segments.js';
import type { FetchResult } from './partition-log-types.js';
import type { StorageFaultHandler } from './storage-fault-handler.js';

const EMPTY = Buffer.alloc(0);

/** A log as a read sees it at the call: the offsets bound the answer even if the log moves meanwhile. */
export interface ReadView {
  readonly dir: string;
  readonly segments: LogSegments;
  readonly faults: StorageFaultHandler;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  /** Whether the log has been closed (asked again after each await). */
  readonly isClosed: () => boolean;
}

/**
 * PartitionLog.read: whole batches from the one holding `fetchOffset`, up to `maxBytes` but at
 * least one, stopping at the high watermark and at the end of the segment holding the offset.
 */
export function readBatches(view: ReadView, fetchOffset: bigint, maxBytes: number): FetchResult {
  const result = emptyResult(view, fetchOffset, maxBytes);
  if (fetchOffset >= view.highWatermark) return result;
  return view.faults.run(() => {
    for (const segment of view.segments.from(fetchOffset)) {
      const records = segment.read(fetchOffset, maxBytes);
      if (records !== undefined) {
        return { ...result, records: batchesBefore(records, view.highWatermark, view.logEndOffset) };
      }
    }
    return result;
  });
}

/**
 * PartitionLog.readAsync: as readBatches, with asynchronous file reads, bounded by the high
 * watermark (the log end with `toLogEnd`) and the active segment's size at the call.
 */
export async function readBatchesAsync(
  view: ReadView,
  fetchOffset: bigint,
  maxBytes: number,
  toLogEnd: boolean,
): Promise<FetchResult> {
  const result = emptyResult(view, fetchOffset, maxBytes);
  const upTo = toLogEnd ? view.logEndOffset : view.highWatermark;
  if (fetchOffset >= upTo) return result;
  const { segments } = view;
  const active = segments.active;
  const activeEnd = active.size;
  try {
    const candidates = segments.from(fetchOffset);
    for (let i = 0; i < candidates.length; i++) {
      const segment = candidates[i]!;
      // After an await, a later segment may have left the log (retention, compaction, truncation,
      // close): it is not read, and the next fetch finds where the log stands then.
      if (i > 0 && (view.isClosed() || !segments.includes(segment))) break;
      const end = segment === active ? activeEnd : segment.size;
      const records = await segment.readAsync(fetchOffset, maxBytes, end);
      if (records !== undefined)
        return { ...result, records: batchesBefore(records, upTo, view.logEndOffset) };
      if (segment === active) break;
    }
    return result;
  } catch (error) {
    throw view.faults.record(error);
  }
}

/** The answer without records; RangeError for a bad `maxBytes`, OffsetOutOfRangeError outside the log. */
function emptyResult(view: ReadView, fetchOffset: bigint, maxBytes: number): FetchResult {
  if (!Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes ${maxBytes} is not an integer of 0 or more`);
  }
  if (fetchOffset < view.logStartOffset || fetchOffset > view.logEndOffset) {
    throw new OffsetOutOfRangeError(fetchOffset, view.logStartOffset, view.logEndOffset, view.dir);
  }
  return {
    records: EMPTY,
    highWatermark: view.highWatermark,
    logStartOffset: view.logStartOffset,
    logEndOffset: view.logEndOffset,
  };
}

/**
 * The whole batches of `records` that start below `offset`: a segment read ends at a byte
 * position, which may lie past the high watermark of a replicated log. Without replication the
 * high watermark is the log end and nothing is cut.
 */
function batchesBefore(records: Buffer, offset: bigint, logEndOffset: bigint): Buffer {
  if (offset >= logEndOffset) return records;
  let position = 0;
  while (position + LOG_OVERHEAD <= records.length) {
    if (records.readBigInt64BE(position + BatchLayout.BASE_OFFSET) >= offset) {
      return records.subarray(0, position);
    }
    position += records.readInt32BE(position + BatchLayout.BATCH_LENGTH) + LOG_OVERHEAD;
  }
  return records;
}
