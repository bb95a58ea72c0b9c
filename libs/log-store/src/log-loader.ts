import { join } from 'node:path';
import { BatchScanner, HEADER_SCAN } from './batch-scanner.js';
import { CleanShutdownMarker } from './clean-shutdown-marker.js';
import { FileRecords } from './file-records.js';
import { LogCheckpoint } from './log-checkpoint.js';
import {
  CHECKPOINT_TEMP_FILE,
  CLEAN_SHUTDOWN_TEMP_FILE,
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  parseSegmentFileName,
  SWAP_FILE_SUFFIX,
  segmentFile,
} from './log-file-names.js';
import { LogSegment, lastOffsetOf, type SegmentConfig } from './log-segment.js';
import { loadProducerState } from './producer-state-loader.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { deleteFile, listDir, makeDir, renameFile, syncDir } from './storage-io.js';

type OpenedSegment = ReturnType<typeof LogSegment.open>;

/** A partition log as found on disk, recovered and ready for appends. */
export interface LoadedLog {
  /** In offset order; the last one is the active segment. Never empty. */
  segments: LogSegment[];
  logStartOffset: bigint;
  cleanerOffset: bigint;
  /** Idempotent-producer state of every batch in the log. */
  producerState: ProducerStateManager;
  recovery: RecoveryReport;
}

/** What opening a partition log found and did, for its owner to log. */
export interface RecoveryReport {
  /** Whether the previous run ended with `close()`. */
  readonly hadCleanShutdown: boolean;
  /** Segments whose batches were checked one by one and whose indexes were rebuilt. */
  readonly segmentsRecovered: number;
  /** Bytes cut from the tail of the segment where recovery found the first invalid batch. */
  readonly bytesTruncated: number;
  /** Segments deleted: after damage, overlapping, or below the log start offset. */
  readonly segmentsDeleted: number;
  /** Offset of the producer-state snapshot loaded; undefined when the whole log was scanned for it. */
  readonly producerSnapshotOffset: bigint | undefined;
  /** Batch headers read to rebuild producer state: those after the snapshot, or all without one. */
  readonly producerBatchesScanned: number;
  /** What was found and done, one line each (empty after a clean shutdown of a sound log). */
  readonly lines: readonly string[];
}

/**
 * Opens the segments of a partition directory and recovers them (Kafka's LogLoader).
 *
 * 1. Leftovers of interrupted work are settled: temporary files, `.cleaned` segments (a
 *    compaction that did not finish) and `.deleted` ones are removed; a `.swap` log (a finished
 *    compaction) replaces the segments whose base offsets fall in its offset range, and its
 *    indexes are rebuilt.
 * 2. Every segment is opened; index files without a log are removed.
 * 3. Without a clean-shutdown marker, every segment from the one holding the checkpointed
 *    recovery point onwards is recovered: batch by batch (length, CRC, offsets) up to the first
 *    invalid byte, where the log is truncated; its indexes are rebuilt. A segment before the
 *    recovery point is recovered only when its indexes are missing or damaged. Once a segment
 *    had to be truncated, every later segment is deleted: nothing after the damage is served.
 * 4. Segments entirely below the log start offset (a retention interrupted by a crash) are
 *    deleted; a log left with no segment gets an empty one at the log start offset.
 * 5. What was recovered is fsynced, the checkpoint records recoveryPoint = logEndOffset, and the
 *    marker is removed, so a crash from now on is recognised as one.
 * 6. Idempotent-producer state is loaded from the newest sound `.snapshot` and the batches after
 *    it (see loadProducerState); a corrupt snapshot is noted and the log scanned instead.
 */
export class LogLoader {
  private readonly recoveryLog: string[] = [];
  private segmentsRecovered = 0;
  private bytesTruncated = 0;
  private segmentsDeleted = 0;
  /** Segments recovered or created here, to be fsynced before the checkpoint says they are. */
  private readonly touched = new Set<LogSegment>();

  private constructor(
    private readonly dir: string,
    private readonly config: SegmentConfig,
    private readonly nowMs: number,
  ) {}

  static load(dir: string, config: SegmentConfig, nowMs: number): LoadedLog {
    return new LogLoader(dir, config, nowMs).load();
  }

  private load(): LoadedLog {
    makeDir(this.dir);
    const hadCleanShutdown = CleanShutdownMarker.exists(this.dir);
    const checkpoint = LogCheckpoint.read(this.dir);
    this.settleLeftovers();
    const recoveryPoint = hadCleanShutdown ? undefined : (checkpoint?.recoveryPoint ?? 0n);
    let segments = this.recover(this.openSegments(), recoveryPoint);

    let logStartOffset = checkpoint?.logStartOffset ?? 0n;
    const logEndOffset = segments.at(-1)?.nextOffset ?? logStartOffset;
    if (logEndOffset < logStartOffset) {
      this.note(
        `log end offset ${logEndOffset} is below the log start offset ${logStartOffset}: starting empty there`,
      );
      segments = this.deleteSegments(segments, segments.length);
    }
    while (segments.length > 1 && segments[1]!.baseOffset <= logStartOffset) {
      this.note(
        `deleting segment ${segments[0]!.baseOffset}, entirely below the log start offset ${logStartOffset}`,
      );
      segments = this.deleteSegments(segments, 1, 0);
    }
    if (segments.length === 0) {
      segments = [LogSegment.create(this.dir, logStartOffset, this.config, this.nowMs)];
      this.touched.add(segments[0]!);
    }
    if (segments[0]!.baseOffset > logStartOffset) logStartOffset = segments[0]!.baseOffset;

    for (const segment of segments.slice(0, -1)) segment.seal();
    for (const segment of this.touched) if (segments.includes(segment)) segment.flushSync();
    syncDir(this.dir);
    for (const segment of segments.slice(0, -1)) {
      segment.offsetIndex.release();
      segment.timeIndex.release();
    }
    const active = segments.at(-1)!;
    const cleanerOffset = checkpoint?.cleanerOffset ?? logStartOffset;
    LogCheckpoint.write(this.dir, {
      recoveryPoint: active.nextOffset,
      logStartOffset,
      cleanerOffset: cleanerOffset < logStartOffset ? logStartOffset : cleanerOffset,
    });
    const producers = loadProducerState(this.dir, segments, active.nextOffset);
    this.recoveryLog.push(...producers.lines);
    if (hadCleanShutdown) CleanShutdownMarker.remove(this.dir);
    return {
      segments,
      logStartOffset,
      cleanerOffset: cleanerOffset < logStartOffset ? logStartOffset : cleanerOffset,
      producerState: producers.state,
      recovery: {
        hadCleanShutdown,
        segmentsRecovered: this.segmentsRecovered,
        bytesTruncated: this.bytesTruncated,
        segmentsDeleted: this.segmentsDeleted,
        producerSnapshotOffset: producers.snapshotOffset,
        producerBatchesScanned: producers.batchesScanned,
        lines: this.recoveryLog,
      },
    };
  }

  private note(line: string): void {
    this.recoveryLog.push(line);
  }

  private settleLeftovers(): void {
    for (const name of listDir(this.dir)) {
      const parsed = parseSegmentFileName(name);
      const temporary = name === CHECKPOINT_TEMP_FILE || name === CLEAN_SHUTDOWN_TEMP_FILE;
      const unfinished =
        parsed !== undefined &&
        (parsed.stateSuffix === CLEANED_FILE_SUFFIX ||
          parsed.stateSuffix === DELETED_FILE_SUFFIX ||
          (parsed.stateSuffix === SWAP_FILE_SUFFIX && parsed.kind !== LOG_FILE_SUFFIX));
      if (temporary || unfinished) deleteFile(join(this.dir, name));
    }
    for (const name of listDir(this.dir)) {
      const parsed = parseSegmentFileName(name);
      if (parsed?.stateSuffix === SWAP_FILE_SUFFIX) this.completeSwap(parsed.baseOffset);
    }
    syncDir(this.dir);
  }

  /** A compacted segment written in full replaces the segments whose base offsets it covers. */
  private completeSwap(baseOffset: bigint): void {
    const swapPath = segmentFile(this.dir, baseOffset, LOG_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    const swap = FileRecords.open(swapPath, false);
    let nextOffset = baseOffset + 1n;
    try {
      const scanner = new BatchScanner(swap, 0, swap.size, HEADER_SCAN);
      for (let batch = scanner.next(); batch !== undefined; batch = scanner.next()) {
        const next = lastOffsetOf(batch.header) + 1n;
        if (next > nextOffset) nextOffset = next;
      }
    } finally {
      swap.close();
    }
    for (const name of listDir(this.dir)) {
      const parsed = parseSegmentFileName(name);
      if (parsed?.stateSuffix === '' && parsed.baseOffset >= baseOffset && parsed.baseOffset < nextOffset) {
        deleteFile(join(this.dir, name));
      }
    }
    renameFile(swapPath, segmentFile(this.dir, baseOffset, LOG_FILE_SUFFIX));
    this.note(`completed the swap of compacted segment ${baseOffset} (offsets up to ${nextOffset - 1n})`);
  }

  private openSegments(): OpenedSegment[] {
    const names = listDir(this.dir);
    const logs = new Set<bigint>();
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed?.stateSuffix === '' && parsed.kind === LOG_FILE_SUFFIX) logs.add(parsed.baseOffset);
    }
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed !== undefined && parsed.stateSuffix === '' && !logs.has(parsed.baseOffset)) {
        this.note(`deleting ${name}, an index without a log`);
        deleteFile(join(this.dir, name));
      }
    }
    return [...logs]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((baseOffset) => {
        const opened = LogSegment.open(this.dir, baseOffset, this.config, this.nowMs);
        if (opened.problem !== undefined)
          this.note(`segment ${baseOffset} needs recovery: ${opened.problem}`);
        return opened;
      });
  }

  /**
   * Recovers the segments that need it, from `recoveryPoint` on (none when undefined) and any
   * whose files are damaged; returns the segments that remain.
   */
  private recover(opened: OpenedSegment[], recoveryPoint: bigint | undefined): LogSegment[] {
    let segments = opened.map(({ segment }) => segment);
    let from = segments.length;
    if (recoveryPoint !== undefined && segments.length > 0) {
      from = 0;
      for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= recoveryPoint) from = i;
      this.note(
        `unclean shutdown: recovering from segment ${segments[from]!.baseOffset} (recovery point ${recoveryPoint})`,
      );
    }
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const previousEnd = segments[i - 1]?.nextOffset ?? segment.baseOffset;
      if (segment.baseOffset < previousEnd) {
        this.note(`segment ${segment.baseOffset} overlaps the one before, which ends at ${previousEnd}`);
        return this.deleteSegments(segments, segments.length - i);
      }
      if (i < from && opened[i]!.problem === undefined) continue;
      const sizeBefore = segment.size;
      const invalid = segment.recover();
      this.touched.add(segment);
      this.segmentsRecovered++;
      this.bytesTruncated += sizeBefore - segment.size;
      if (invalid !== undefined) {
        this.note(`segment ${segment.baseOffset}: ${invalid}; truncated ${sizeBefore - segment.size} bytes`);
        segments = this.deleteSegments(segments, segments.length - i - 1);
        break;
      }
    }
    return segments;
  }

  /** Deletes `count` segments from index `at` (by default the last `count`); returns the rest. */
  private deleteSegments(segments: LogSegment[], count: number, at = segments.length - count): LogSegment[] {
    const removed = segments.slice(at, at + count);
    this.segmentsDeleted += removed.length;
    for (const segment of removed) {
      this.note(`deleting segment ${segment.baseOffset}`);
      segment.deleteFiles();
      segment.close();
    }
    if (removed.length > 0) syncDir(this.dir);
    return [...segments.slice(0, at), ...segments.slice(at + count)];
  }
}
