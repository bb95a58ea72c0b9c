import { decodeRecordBatch } from '@runnel/protocol';
import { type LogSegment, lastOffsetOf } from './log-segment.js';

export interface OffsetAndTimestamp {
  offset: bigint;
  timestamp: bigint;
}

/**
 * The first record at or after `fromOffset` whose timestamp is >= `timestamp`, with that
 * timestamp; undefined when no record is that recent. A segment whose largest timestamp is too
 * small is skipped; inside one, the time index says where to start scanning batch headers, and
 * only the batch found is decoded, to pick the record.
 */
export async function offsetForTimestamp(
  segments: readonly LogSegment[],
  timestamp: bigint,
  fromOffset: bigint,
  /** Runs the file reads (the log's storage-fault choke point). */
  io: <T>(read: () => T) => T,
): Promise<OffsetAndTimestamp | undefined> {
  for (const segment of segments) {
    let from = fromOffset;
    for (;;) {
      const found = io(() => segment.findBatchByTimestamp(timestamp, from));
      if (found === undefined) break;
      const { records } = await decodeRecordBatch(found.bytes);
      const record = records.find((r) => r.offset >= from && r.timestamp >= timestamp);
      if (record !== undefined) return { offset: record.offset, timestamp: record.timestamp };
      from = lastOffsetOf(found.header) + 1n;
    }
  }
  return undefined;
}
