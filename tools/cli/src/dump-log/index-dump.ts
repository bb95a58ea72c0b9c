import type { DumpedBatch } from './log-segment-dump.js';

/**
 * The two sparse indexes of a segment, laid out as in libs/log-store's offset-index.ts and
 * time-index.ts (and Kafka's OffsetIndex and TimeIndex). log-store does not export its index
 * classes, and a dump must read a damaged file without repairing it, so the layouts are read here:
 *
 * `.index`, 8 bytes an entry: relative offset (int32: the batch's last offset - base offset),
 * position of the batch in the `.log` (int32).
 * `.timeindex`, 12 bytes an entry: timestamp (int64), relative offset (int32).
 *
 * Kafka preallocates index files and fills them with zeros; as kafka-dump-log.sh does, an
 * all-zero entry after the first ends the entries.
 */
export const OFFSET_INDEX_ENTRY_SIZE = 8;
export const TIME_INDEX_ENTRY_SIZE = 12;

export interface IndexDump<E> {
  entries: E[];
  /** Problems found, each naming the entry: order broken, a position or offset the `.log` does not hold, a partial entry. */
  problems: string[];
}

export interface OffsetIndexEntry {
  offset: bigint;
  position: number;
}

export interface TimeIndexEntry {
  timestamp: bigint;
  offset: bigint;
}

/**
 * Reads an `.index`. With the segment's batches (from its `.log`), each entry is checked the way
 * kafka-dump-log.sh --verify-index-only does: a batch must start at the entry's position, and its
 * last offset must be the entry's offset.
 */
export function dumpOffsetIndex(
  buf: Buffer,
  baseOffset: bigint,
  batches: readonly DumpedBatch[] | undefined,
): IndexDump<OffsetIndexEntry> {
  const entries: OffsetIndexEntry[] = [];
  const problems = partialEntry(buf, OFFSET_INDEX_ENTRY_SIZE);
  const byPosition = new Map(batches?.map((b) => [b.position, b]));
  for (let i = 0; i + OFFSET_INDEX_ENTRY_SIZE <= buf.length; i += OFFSET_INDEX_ENTRY_SIZE) {
    const relative = buf.readInt32BE(i);
    const position = buf.readInt32BE(i + 4);
    if (i > 0 && relative === 0 && position === 0) break;
    const entry = { offset: baseOffset + BigInt(relative), position };
    const previous = entries.at(-1);
    if (previous !== undefined && (entry.offset <= previous.offset || entry.position <= previous.position)) {
      problems.push(
        `entry ${entries.length} (offset ${entry.offset}, position ${entry.position}) does not follow (offset ${previous.offset}, position ${previous.position})`,
      );
    }
    if (batches !== undefined) {
      const batch = byPosition.get(position);
      if (batch === undefined) {
        problems.push(`entry ${entries.length}: no batch starts at position ${position} of the log`);
      } else if (batch.lastOffset !== entry.offset) {
        problems.push(
          `entry ${entries.length}: index offset ${entry.offset} but the batch at position ${position} ends at offset ${batch.lastOffset}`,
        );
      }
    }
    entries.push(entry);
  }
  return { entries, problems };
}

/**
 * Reads a `.timeindex`. Timestamps must increase and offsets never decrease; with the segment's
 * batches, each entry's offset must be the last offset of a batch whose max timestamp is the entry's
 * timestamp or below it.
 */
export function dumpTimeIndex(
  buf: Buffer,
  baseOffset: bigint,
  batches: readonly DumpedBatch[] | undefined,
): IndexDump<TimeIndexEntry> {
  const entries: TimeIndexEntry[] = [];
  const problems = partialEntry(buf, TIME_INDEX_ENTRY_SIZE);
  const byLastOffset = new Map(batches?.map((b) => [b.lastOffset, b]));
  for (let i = 0; i + TIME_INDEX_ENTRY_SIZE <= buf.length; i += TIME_INDEX_ENTRY_SIZE) {
    const timestamp = buf.readBigInt64BE(i);
    const relative = buf.readInt32BE(i + 8);
    if (i > 0 && timestamp === 0n && relative === 0) break;
    const entry = { timestamp, offset: baseOffset + BigInt(relative) };
    const previous = entries.at(-1);
    if (previous !== undefined && (entry.timestamp <= previous.timestamp || entry.offset < previous.offset)) {
      problems.push(
        `entry ${entries.length} (timestamp ${entry.timestamp}, offset ${entry.offset}) does not follow (timestamp ${previous.timestamp}, offset ${previous.offset})`,
      );
    }
    if (batches !== undefined) {
      const batch = byLastOffset.get(entry.offset);
      if (batch === undefined) {
        problems.push(
          `entry ${entries.length}: offset ${entry.offset} is not the last offset of a batch in the log`,
        );
      } else if (batch.maxTimestamp > entry.timestamp) {
        problems.push(
          `entry ${entries.length}: timestamp ${entry.timestamp} is below the max timestamp ${batch.maxTimestamp} of the batch ending at offset ${entry.offset}`,
        );
      }
    }
    entries.push(entry);
  }
  return { entries, problems };
}

function partialEntry(buf: Buffer, size: number): string[] {
  const extra = buf.length % size;
  return extra === 0
    ? []
    : [
        `${extra} bytes at the end are a partial entry (entries are ${size} bytes; the file is ${buf.length})`,
      ];
}
