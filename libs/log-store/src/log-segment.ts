import { BATCH_HEADER_SIZE, type BatchHeader, BatchLayout, LOG_OVERHEAD } from '@runnel/protocol';
import { BatchScanner, HEADER_SCAN, VERIFYING_SCAN } from './batch-scanner.js';
import { FileRecords } from './file-records.js';
import type { LogConfig } from './log-config.js';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, segmentFile, TIME_INDEX_FILE_SUFFIX } from './log-file-names.js';
import { OffsetIndex } from './offset-index.js';
import { ReadEnds, readBatchesAsync } from './segment-async-read.js';
import { TimeIndex } from './time-index.js';

const INT32_MAX = 0x7fffffffn;
const NO_TIMESTAMP = -1n;

export type SegmentConfig = Pick<LogConfig, 'indexIntervalBytes' | 'segmentIndexBytes' | 'segmentMs'>;

/** The header fields a segment needs to account for a batch (a BatchHeader and a ValidatedBatch have them). */
export type AppendedBatch = Pick<BatchHeader, 'sizeInBytes' | 'maxTimestamp'>;

/** A batch located in a segment. */
export interface BatchLocation {
  position: number;
  header: BatchHeader;
}

/** The last offset of a batch: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/**
 * One segment of a partition log (Kafka's LogSegment): a `.log` file of batches whose offsets
 * start at `baseOffset`, with its `.index` and `.timeindex`, all three named by that offset.
 *
 * Invariants: batches are in increasing offset order (gaps allowed, as compaction leaves them);
 * every offset in the segment is within int32 of `baseOffset`, because index entries store
 * offsets relative to it; `nextOffset` is one past the last offset of the last batch (the base
 * offset when empty).
 *
 * Only the newest segment of a log (the active one) is appended to; `seal()` marks the moment it
 * stops being active. Not safe for concurrent writers; reads and appends on the event loop need
 * no locking because `FileRecords.size` only moves past complete batches.
 */
export class LogSegment {
  nextOffset: bigint;
  /** Largest record timestamp in the segment, -1 when none, and the last offset of the batch carrying it. */
  maxTimestamp = NO_TIMESTAMP;
  private offsetOfMaxTimestamp: bigint;
  private bytesSinceLastIndexEntry = 0;
  /**
   * The last offset a sound time index found at open refers to: that record was in the log when
   * the entry was written, so recovery ending before it means data was lost, not merely torn.
   */
  private indexedOffset: bigint | undefined;
  /** Max timestamp of the first batch, the start of the segmentMs period (undefined when not known yet). */
  private firstBatchTimestamp: bigint | undefined;
  /** firstBatchTimestamp + segmentMs, once known. */
  private rollAtTimestamp: bigint | undefined;
  /** Where asynchronous reads ended, so the next fetch from there needs no header walk. */
  private readonly readEnds = new ReadEnds();

  private constructor(
    readonly baseOffset: bigint,
    readonly log: FileRecords,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly config: SegmentConfig,
    /** Clock time the segment was created or opened, for segmentMs when batches carry no timestamps. */
    readonly createdMs: number,
  ) {
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
  }

  /** A new empty segment (its files are created, or emptied if left over). */
  static create(
    dir: string,
    baseOffset: bigint,
    config: SegmentConfig,
    nowMs: number,
    stateSuffix = '',
  ): LogSegment {
    const log = FileRecords.open(segmentFile(dir, baseOffset, LOG_FILE_SUFFIX, stateSuffix), true);
    log.truncateTo(0);
    const offsetIndex = OffsetIndex.create(
      segmentFile(dir, baseOffset, INDEX_FILE_SUFFIX, stateSuffix),
      baseOffset,
      config.segmentIndexBytes,
    );
    const timeIndex = TimeIndex.create(
      segmentFile(dir, baseOffset, TIME_INDEX_FILE_SUFFIX, stateSuffix),
      baseOffset,
      config.segmentIndexBytes,
    );
    offsetIndex.reset();
    timeIndex.reset();
    return new LogSegment(baseOffset, log, offsetIndex, timeIndex, config, nowMs);
  }

  /**
   * An existing segment. Its indexes are loaded and checked, and its end (next offset, largest
   * timestamp) read from the batches after the last index entry. `problem` says what is wrong
   * if the indexes are missing or damaged or the log's tail does not parse; the segment must then
   * be recovered before use.
   */
  static open(
    dir: string,
    baseOffset: bigint,
    config: SegmentConfig,
    nowMs: number,
  ): { segment: LogSegment; problem?: string } {
    const log = FileRecords.open(segmentFile(dir, baseOffset, LOG_FILE_SUFFIX), false);
    const indexPath = segmentFile(dir, baseOffset, INDEX_FILE_SUFFIX);
    const timeIndexPath = segmentFile(dir, baseOffset, TIME_INDEX_FILE_SUFFIX);
    const offsetIndex = OffsetIndex.open(indexPath, baseOffset, config.segmentIndexBytes);
    const timeIndex = TimeIndex.open(timeIndexPath, baseOffset, config.segmentIndexBytes);
    const segment = new LogSegment(
      baseOffset,
      log,
      offsetIndex ?? OffsetIndex.create(indexPath, baseOffset, config.segmentIndexBytes),
      timeIndex ?? TimeIndex.create(timeIndexPath, baseOffset, config.segmentIndexBytes),
      config,
      nowMs,
    );
    const timeIndexProblem =
      timeIndex === undefined ? `${timeIndexPath} is missing` : timeIndex.sanityCheck();
    if (timeIndexProblem === undefined) segment.indexedOffset = timeIndex?.lastEntry()?.offset;
    const problem =
      (offsetIndex === undefined ? `${indexPath} is missing` : offsetIndex.sanityCheck(log.size)) ??
      timeIndexProblem ??
      segment.loadEnd();
    return problem === undefined ? { segment } : { segment, problem };
  }

  /** Reads the batches after the last index entry to learn nextOffset and the largest timestamp. */
  private loadEnd(): string | undefined {
    const lastEntry = this.timeIndex.lastEntry();
    if (lastEntry !== undefined) {
      this.maxTimestamp = lastEntry.timestamp;
      this.offsetOfMaxTimestamp = lastEntry.offset;
    }
    const start = this.offsetIndex.lastEntry().position;
    const scanner = new BatchScanner(this.log, start, this.log.size, HEADER_SCAN);
    for (let batch = scanner.next(); batch !== undefined; batch = scanner.next()) {
      this.track(batch.header, lastOffsetOf(batch.header));
    }
    if (scanner.invalid !== undefined) return scanner.invalid;
    if (lastEntry !== undefined && lastEntry.offset >= this.nextOffset) {
      return `${this.timeIndex.path} points at offset ${lastEntry.offset}, past the log's end ${this.nextOffset}`;
    }
    return undefined;
  }

  private track(header: AppendedBatch, last: bigint): void {
    if (header.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = header.maxTimestamp;
      this.offsetOfMaxTimestamp = last;
    }
    this.nextOffset = last + 1n;
  }

  get size(): number {
    return this.log.size;
  }

  /** Whether a batch ending at `lastOffset` can go into this segment, whose indexes store int32 offsets. */
  canHoldOffset(lastOffset: bigint): boolean {
    return lastOffset - this.baseOffset <= INT32_MAX;
  }

  get indexesFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  /**
   * Whether the segment has been open for writes for segmentMs: measured from its first batch's
   * max timestamp to the new batch's, or by the clock since creation when batches carry no
   * timestamps (Kafka's rule).
   */
  rollDue(nowMs: number, newBatchTimestamp: bigint): boolean {
    const { segmentMs } = this.config;
    if (segmentMs === Number.POSITIVE_INFINITY) return false;
    if (this.firstBatchTimestamp === undefined && this.size > 0) {
      const first = new BatchScanner(this.log, 0, this.log.size, HEADER_SCAN).next();
      this.firstBatchTimestamp = first?.header.maxTimestamp ?? NO_TIMESTAMP;
    }
    const first = this.firstBatchTimestamp ?? NO_TIMESTAMP;
    if (first < 0n) return nowMs - this.createdMs >= segmentMs;
    // Computed once per segment: this runs on every append.
    this.rollAtTimestamp ??= first + BigInt(segmentMs);
    return newBatchTimestamp >= this.rollAtTimestamp;
  }

  /**
   * Appends one batch whose baseOffset is already set and whose last offset is `lastOffset`.
   * `buf` holds exactly the batch. The caller has checked that it fits (offsets, size); the
   * write either completes or throws with nothing recorded.
   */
  append(buf: Buffer, header: AppendedBatch, lastOffset: bigint): void {
    const position = this.log.append(buf, header.sizeInBytes);
    this.firstBatchTimestamp ??= header.maxTimestamp;
    this.index(header, lastOffset, position);
  }

  /** Accounts for a batch written at `position`: end, largest timestamp, and a sparse index entry. */
  private index(header: AppendedBatch, lastOffset: bigint, position: number): void {
    this.track(header, lastOffset);
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += header.sizeInBytes;
  }

  /**
   * The batch holding `offset`, or the first one after it when compaction removed it; undefined
   * when no batch before `maxPosition` ends at or after `offset`.
   */
  translateOffset(offset: bigint, maxPosition = this.size): BatchLocation | undefined {
    const start = this.offsetIndex.lookup(offset).position;
    const scanner = new BatchScanner(this.log, start, maxPosition, HEADER_SCAN);
    for (let batch = scanner.next(); batch !== undefined; batch = scanner.next()) {
      if (lastOffsetOf(batch.header) >= offset) return { position: batch.position, header: batch.header };
    }
    return undefined;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` but at least that first batch,
   * and none past `maxPosition`; undefined when the segment has no batch ending at or after
   * `offset`.
   */
  read(offset: bigint, maxBytes: number, maxPosition = this.size): Buffer | undefined {
    const first = this.translateOffset(offset, maxPosition);
    if (first === undefined) return undefined;
    const length = Math.max(first.header.sizeInBytes, Math.min(maxBytes, maxPosition - first.position));
    return wholeBatches(this.log.read(first.position, length));
  }

  /**
   * As `read`, with the file read on libuv's thread pool, so a read that misses the page cache
   * does not hold up the event loop; no scanner and no header objects (see readBatchesAsync: a
   * consumer's next fetch, which starts where its last one ended, is one read of exactly the
   * answer). The file stays open until the read ends, even if the segment leaves the log meanwhile.
   */
  async readAsync(offset: bigint, maxBytes: number, maxPosition = this.size): Promise<Buffer | undefined> {
    const start = this.offsetIndex.lookup(offset).position;
    if (start >= maxPosition) return undefined;
    this.log.retain();
    try {
      return await readBatchesAsync(this.log, this.readEnds, start, offset, maxBytes, maxPosition);
    } finally {
      this.log.release();
    }
  }

  /**
   * The first batch, at or after the one holding `fromOffset`, whose max timestamp is >=
   * `timestamp`, with its bytes; undefined when there is none. The time index narrows where the
   * scan starts.
   */
  findBatchByTimestamp(
    timestamp: bigint,
    fromOffset: bigint,
  ): (BatchLocation & { bytes: Buffer }) | undefined {
    if (this.maxTimestamp < timestamp) return undefined;
    const before = this.timeIndex.offsetBefore(timestamp);
    const startOffset = before !== undefined && before > fromOffset ? before : fromOffset;
    for (const { position, header } of this.batchHeaders(this.offsetIndex.lookup(startOffset).position)) {
      if (lastOffsetOf(header) >= fromOffset && header.maxTimestamp >= timestamp) {
        return { position, header, bytes: this.log.read(position, header.sizeInBytes) };
      }
    }
    return undefined;
  }

  /** Headers of the segment's batches from `position`, in order. */
  *batchHeaders(position = 0): Generator<BatchLocation> {
    const scanner = new BatchScanner(this.log, position, this.size, HEADER_SCAN);
    for (let batch = scanner.next(); batch !== undefined; batch = scanner.next()) {
      yield { position: batch.position, header: batch.header };
    }
  }

  /**
   * Recovery: checks every batch (framing, CRC, increasing offsets within int32 of the base),
   * truncates the log after the last valid one, and rebuilds both indexes from what remains.
   * Returns why it stopped early, or undefined if the whole file was valid and held every offset
   * the time index found at open refers to (a log cut at a batch boundary is otherwise valid).
   */
  recover(): string | undefined {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    this.firstBatchTimestamp = undefined;
    this.rollAtTimestamp = undefined;
    const scanner = new BatchScanner(this.log, 0, this.log.size, VERIFYING_SCAN);
    let validBytes = 0;
    let invalid: string | undefined;
    for (let batch = scanner.next(); batch !== undefined; batch = scanner.next()) {
      const { header } = batch;
      if (
        header.baseOffset < this.nextOffset ||
        !this.canHoldOffset(lastOffsetOf(header)) ||
        header.lastOffsetDelta < 0
      ) {
        invalid = `batch at position ${batch.position} of ${this.log.path} has offsets ${header.baseOffset}..${lastOffsetOf(header)}, not after ${this.nextOffset - 1n} and within int32 of ${this.baseOffset}`;
        break;
      }
      this.firstBatchTimestamp ??= header.maxTimestamp;
      this.index(header, lastOffsetOf(header), batch.position);
      validBytes = batch.position + header.sizeInBytes;
    }
    invalid ??= scanner.invalid;
    if (invalid === undefined && this.indexedOffset !== undefined && this.indexedOffset >= this.nextOffset) {
      invalid = `${this.timeIndex.path} refers to offset ${this.indexedOffset} but the valid batches of ${this.log.path} end at ${this.nextOffset - 1n}`;
    }
    this.indexedOffset = undefined;
    if (validBytes < this.log.size) this.log.truncateTo(validBytes);
    this.offsetIndex.writeOut();
    this.timeIndex.writeOut();
    return invalid;
  }

  /**
   * A follower's truncation (Kafka's LogSegment.truncateTo): drops the batch holding `offset` and
   * every later one, and the index entries of what was dropped; the segment's end and largest
   * timestamp are read again from the batches after the last index entry left, as at open. The
   * bytes kept were checked when written or recovered, so they are not verified again (a 1 GiB
   * segment would stall the event loop for a third of a second); should the walk after the last
   * entry still find damage, the segment is recovered as after a crash. It may be made the
   * active segment afterwards.
   */
  truncateTo(offset: bigint): void {
    const location = this.translateOffset(offset);
    if (location === undefined) return;
    const logEndOffset = location.header.baseOffset;
    this.log.truncateTo(location.position);
    this.readEnds.clear();
    this.offsetIndex.truncateTo(logEndOffset);
    this.timeIndex.truncateTo(logEndOffset);
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    if (this.size === 0) {
      this.firstBatchTimestamp = undefined;
      this.rollAtTimestamp = undefined;
    }
    if (this.loadEnd() !== undefined) this.recover();
  }

  /**
   * The segment stops being active: the time index gets a last entry holding the largest
   * timestamp (which retention reads), and both indexes are written out.
   */
  seal(): void {
    if (this.maxTimestamp >= 0n) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.offsetIndex.writeOut();
    this.timeIndex.writeOut();
  }

  /** Writes out the indexes and fsyncs the log and, with `indexes`, the index files too. */
  async flush(indexes: boolean): Promise<void> {
    this.offsetIndex.writeOut();
    this.timeIndex.writeOut();
    await this.log.syncAsync();
    if (indexes) {
      this.offsetIndex.flush();
      this.timeIndex.flush();
    }
  }

  /** fsyncs the log and both indexes, blocking (shutdown, cleaning). */
  flushSync(): void {
    this.log.sync();
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Renames the three files to carry `stateSuffix` (or none) after the base offset name. */
  renameTo(dir: string, stateSuffix: string): void {
    this.log.renameTo(segmentFile(dir, this.baseOffset, LOG_FILE_SUFFIX, stateSuffix));
    this.offsetIndex.renameTo(segmentFile(dir, this.baseOffset, INDEX_FILE_SUFFIX, stateSuffix));
    this.timeIndex.renameTo(segmentFile(dir, this.baseOffset, TIME_INDEX_FILE_SUFFIX, stateSuffix));
  }

  close(): void {
    this.offsetIndex.release();
    this.timeIndex.release();
    this.log.close();
  }

  /** Removes the three files; the segment's descriptors stay usable until `close`. */
  deleteFiles(): void {
    this.log.deleteFile();
    this.offsetIndex.deleteFile();
    this.timeIndex.deleteFile();
  }
}

/**
 * `buf` cut after its last whole batch, walking the batches' length prefixes. Bytes below a
 * segment's size were checked when written or recovered; a length that cannot be a batch's ends
 * the walk rather than looping on it.
 */
function wholeBatches(buf: Buffer): Buffer {
  let end = 0;
  while (end + LOG_OVERHEAD <= buf.length) {
    const batchLength = buf.readInt32BE(end + BatchLayout.BATCH_LENGTH);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || end + LOG_OVERHEAD + batchLength > buf.length)
      break;
    end += LOG_OVERHEAD + batchLength;
  }
  return end === buf.length ? buf : buf.subarray(0, end);
}
