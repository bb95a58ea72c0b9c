import {
  type BatchHeader,
  decodeRecordBatch,
  encodeRecordBatch,
  type KafkaRecord,
  type RecordBatch,
  readBatchHeader,
} from '@runnel/protocol';
import { BatchScanner, VERIFYING_SCAN } from './batch-scanner.js';
import { KafkaStorageError } from './errors.js';
import type { LogConfig } from './log-config.js';
import { CLEANED_FILE_SUFFIX } from './log-file-names.js';
import { LogSegment, lastOffsetOf } from './log-segment.js';

/** What one compaction did. */
export interface CleanerStats {
  /** Segments rewritten (several may become one). */
  segmentsCleaned: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  /** The cleaner offset afterwards: everything below it is compacted. */
  cleanedUpTo: bigint;
}

/** What the cleaner may see and do of a PartitionLog. */
export interface CleanerContext {
  dir: string;
  config: LogConfig;
  nowMs: number;
  logStartOffset(): bigint;
  /** Every segment but the active one, oldest first. */
  closedSegments(): LogSegment[];
  /** First offset not compacted yet. */
  cleanerOffset: bigint;
  /** Replaces `old` by `cleaned`; false when `old` is no longer in the log (the cleaned one is then discarded). */
  swap(old: readonly LogSegment[], cleaned: LogSegment): boolean;
  /** Records that everything below `offset` is compacted. */
  cleaned(offset: bigint): void;
}

const INT32_MAX = 0x7fffffffn;
const INDEX_ENTRY_SIZE = 8;

/**
 * Log compaction (Kafka's LogCleaner, one pass of it) for cleanupPolicy `compact`.
 *
 * 1. The dirty part, from the cleaner offset to the end of the closed segments, is read into a
 *    map from key to the offset of its newest record. The active segment is never touched.
 * 2. The closed segments are rewritten in groups of consecutive segments whose sizes add up to
 *    at most segmentBytes, each group into one segment named by the group's first base offset.
 *    A record is kept when it is the newest of its key (or its key has no record in the dirty
 *    part), is not below the log start offset, has a key (Kafka drops keyless records too), and
 *    is not a tombstone whose timestamp is more than deleteRetentionMs old.
 * 3. A batch that keeps all its records is copied byte for byte; control batches always are.
 *    Otherwise its kept records are re-encoded with the batch's codec, producer fields and
 *    timestamp type, one batch per run of consecutive offsets, so that every record keeps its
 *    offset (gaps between batches are normal in a compacted log). A batch keeping nothing
 *    disappears.
 * 4. A cleaned segment is written as `.cleaned` files, fsynced, then swapped in by the log
 *    (see PartitionLog.swapSegments for the crash-safe order and LogLoader for the recovery).
 *
 * The key map is held in memory without a bound (Kafka bounds it with log.cleaner.dedupe.buffer.size).
 * Decoding and encoding are awaited batch by batch, so appends and reads go on meanwhile.
 */
export class LogCleaner {
  private readonly stats: CleanerStats;

  constructor(private readonly context: CleanerContext) {
    this.stats = {
      segmentsCleaned: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      recordsRemoved: 0,
      cleanedUpTo: context.cleanerOffset,
    };
  }

  /** Share of the closed segments' bytes in segments that hold offsets at or above the cleaner offset. */
  static dirtyRatio(closed: readonly LogSegment[], cleanerOffset: bigint): number {
    const total = closed.reduce((sum, s) => sum + s.size, 0);
    const dirty = closed.reduce((sum, s) => sum + (s.nextOffset > cleanerOffset ? s.size : 0), 0);
    return total === 0 ? 0 : dirty / total;
  }

  /** One compaction of the closed segments; undefined when there are none. */
  async clean(): Promise<CleanerStats | undefined> {
    const closed = this.context.closedSegments();
    if (closed.length === 0) return undefined;
    const endOffset = closed.at(-1)!.nextOffset;
    let firstDirty = this.context.logStartOffset();
    if (this.context.cleanerOffset > firstDirty) firstDirty = this.context.cleanerOffset;
    const newest = await this.buildOffsetMap(closed, firstDirty);
    for (const group of this.groups(closed)) {
      const cleaned = await this.cleanGroup(group, newest);
      if (!this.context.swap(group, cleaned)) return this.stats;
      this.stats.segmentsCleaned += group.length;
    }
    this.context.cleaned(endOffset);
    this.stats.cleanedUpTo = endOffset;
    return this.stats;
  }

  /** Key (as latin1 text) -> offset of its newest record at or after `firstDirty`. */
  private async buildOffsetMap(
    segments: readonly LogSegment[],
    firstDirty: bigint,
  ): Promise<Map<string, bigint>> {
    const newest = new Map<string, bigint>();
    for (const segment of segments) {
      if (segment.nextOffset <= firstDirty) continue;
      await this.forEachBatch(segment, async (batch, header) => {
        if (lastOffsetOf(header) < firstDirty) return;
        const decoded = await decodeRecordBatch(batch, 0, { verifyCrc: false });
        if (decoded.isControl) return;
        for (const record of decoded.records) {
          if (record.key !== null && record.offset >= firstDirty)
            newest.set(record.key.toString('latin1'), record.offset);
        }
      });
    }
    return newest;
  }

  /** Consecutive segments whose sizes, index sizes and offset span fit one segment. */
  private groups(segments: readonly LogSegment[]): LogSegment[][] {
    const { segmentBytes, segmentIndexBytes } = this.context.config;
    const groups: LogSegment[][] = [];
    let i = 0;
    while (i < segments.length) {
      const group = [segments[i]!];
      let size = segments[i]!.size;
      let indexBytes = segments[i]!.offsetIndex.entryCount * INDEX_ENTRY_SIZE;
      for (i++; i < segments.length; i++) {
        const next = segments[i]!;
        const nextIndexBytes = next.offsetIndex.entryCount * INDEX_ENTRY_SIZE;
        if (
          size + next.size > segmentBytes ||
          indexBytes + nextIndexBytes > segmentIndexBytes ||
          next.nextOffset - 1n - group[0]!.baseOffset > INT32_MAX
        ) {
          break;
        }
        group.push(next);
        size += next.size;
        indexBytes += nextIndexBytes;
      }
      groups.push(group);
    }
    return groups;
  }

  private async cleanGroup(group: readonly LogSegment[], newest: Map<string, bigint>): Promise<LogSegment> {
    const { dir, config, nowMs } = this.context;
    const cleaned = LogSegment.create(dir, group[0]!.baseOffset, config, nowMs, CLEANED_FILE_SUFFIX);
    for (const segment of group) {
      this.stats.bytesBefore += segment.size;
      await this.forEachBatch(segment, async (batch, header) => {
        for (const out of await this.cleanBatch(batch, header, newest)) {
          const written = readBatchHeader(out);
          cleaned.append(out, written, lastOffsetOf(written));
        }
      });
    }
    cleaned.seal();
    cleaned.flushSync();
    this.stats.bytesAfter += cleaned.size;
    return cleaned;
  }

  /** The batches that replace `batch`: itself, its kept records re-encoded, or nothing. */
  private async cleanBatch(
    batch: Buffer,
    header: BatchHeader,
    newest: Map<string, bigint>,
  ): Promise<Buffer[]> {
    const decoded = await decodeRecordBatch(batch, 0, { verifyCrc: false });
    if (decoded.isControl) return [batch];
    const kept = decoded.records.filter((record) => this.keeps(record, newest));
    this.stats.recordsRemoved += decoded.records.length - kept.length;
    if (kept.length === decoded.records.length) return [batch];
    const runs: KafkaRecord[][] = [];
    for (const record of kept) {
      const run = runs.at(-1);
      if (run !== undefined && run.at(-1)!.offset + 1n === record.offset) run.push(record);
      else runs.push([record]);
    }
    return Promise.all(runs.map((run) => this.encodeRun(decoded, header, run)));
  }

  private keeps(record: KafkaRecord, newest: Map<string, bigint>): boolean {
    if (record.key === null || record.offset < this.context.logStartOffset()) return false;
    const newestOffset = newest.get(record.key.toString('latin1'));
    if (newestOffset !== undefined && record.offset < newestOffset) return false;
    const expiredTombstone =
      record.value === null &&
      this.context.nowMs - Number(record.timestamp) > this.context.config.deleteRetentionMs;
    return !expiredTombstone;
  }

  private encodeRun(decoded: RecordBatch, header: BatchHeader, run: readonly KafkaRecord[]): Promise<Buffer> {
    const first = run[0]!;
    const sequenceShift = Number(first.offset - header.baseOffset);
    return encodeRecordBatch({
      records: run.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
      compression: decoded.compression,
      baseOffset: first.offset,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence < 0 ? -1 : (header.baseSequence + sequenceShift) | 0,
      transactional: decoded.isTransactional,
      timestampType: decoded.timestampType,
    });
  }

  /** Calls `fn` with each batch of `segment` (a copy, CRC checked), one at a time. */
  private async forEachBatch(
    segment: LogSegment,
    fn: (batch: Buffer, header: BatchHeader) => Promise<void>,
  ): Promise<void> {
    const scanner = new BatchScanner(segment.log, 0, segment.size, VERIFYING_SCAN);
    for (let scanned = scanner.next(); scanned !== undefined; scanned = scanner.next()) {
      const bytes = Buffer.from(
        scanned.buffer.subarray(scanned.start, scanned.start + scanned.header.sizeInBytes),
      );
      await fn(bytes, scanned.header);
    }
    if (scanner.invalid !== undefined)
      throw new KafkaStorageError(`cannot compact: ${scanner.invalid}`, segment.log.path);
  }
}
