import { type BatchHeader, BatchLayout, patchBaseOffset, patchPartitionLeaderEpoch } from '@runnel/protocol';
import { type Clock, systemClock } from './clock.js';
import { type KafkaStorageError, OffsetOutOfRangeError } from './errors.js';
import { appendAsFollower } from './follower-append.js';
import { HighWatermark } from './high-watermark.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { LocalLog } from './local-log.js';
import { type CleanerStats, LogCleaner } from './log-cleaner.js';
import { deletesOldSegments, type LogConfig, resolveLogConfig } from './log-config.js';
import { type ReadView, readBatches, readBatchesAsync } from './log-reads.js';
import { retentionDecision } from './log-retention.js';
import { lastOffsetOf } from './log-segment.js';
import { type TruncationStep, truncationSteps } from './log-truncation.js';
import type { ValidatedBatch } from './log-validator.js';
import type { AppendResult, FetchResult, PartitionLogOptions } from './partition-log-types.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { type OffsetAndTimestamp, offsetForTimestamp } from './timestamp-lookup.js';

/**
 * The log of one topic partition (Kafka's UnifiedLog): the segments of `<data-dir>/<topic>-<partition>/`
 * (their files, writes, fsyncs and close are LocalLog's) and what its offsets mean.
 *
 * Offsets: [logStartOffset, logEndOffset) are readable. `highWatermark` is the end of what
 * consumers may read; without replication every append is committed at once, so it equals
 * logEndOffset after each append. A replicated partition's log holds it back
 * (`holdHighWatermark`): its leader moves it as the in-sync replicas catch up
 * (`advanceHighWatermark`), and reads stop there unless asked to read to the log end (followers).
 * A follower appends its leader's batches as they are (`appendAsFollower`) and cuts a diverged
 * tail (`truncateTo`, crash-safe to any offset). `recoveryPoint` is the end of what is fsynced.
 * Threading, writes, durability and faults: see LocalLog.
 */
export class PartitionLog extends LocalLog {
  private readonly committed: HighWatermark;
  /** The leader epochs of the batches and where each starts (`leader-epoch-checkpoint`). */
  readonly leaderEpochs: LeaderEpochCache;

  private constructor(
    dir: string,
    config: LogConfig,
    clock: Clock,
    onOffline: ((error: KafkaStorageError) => void) | undefined,
  ) {
    super(dir, config, clock, onOffline);
    this.committed = new HighWatermark(this.endOffset);
    this.leaderEpochs = LeaderEpochCache.open(dir, this.endOffset);
  }

  /** Opens (creating if needed) the log in `dir`, recovering it after an unclean stop. */
  static open(dir: string, options: PartitionLogOptions = {}): PartitionLog {
    const { clock = systemClock, onOffline, ...logOptions } = options;
    return new PartitionLog(dir, resolveLogConfig(logOptions), clock, onOffline);
  }

  /** End of what consumers may read; equals logEndOffset without replication. */
  get highWatermark(): bigint {
    return this.committed.offset;
  }

  /**
   * Appends one record batch: a ValidatedBatch from `validate` as it is, or bytes, which are
   * validated first as a `coordinator` batch (see ValidationOptions). Assigns the next offset by
   * patching baseOffset in the batch's own bytes (no copy) and queues them for this turn's write
   * (see `whenWritten`); the bytes must not change until then. Throws an InvalidBatchError with
   * nothing appended.
   */
  append(batch: ValidatedBatch | Buffer, leaderEpoch?: number): AppendResult {
    this.checkOpen();
    const validated = Buffer.isBuffer(batch) ? this.validate(batch, { origin: 'coordinator' }) : batch;
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + BigInt(validated.lastOffsetDelta);
    try {
      this.maybeRoll(validated, lastOffset);
      const active = this.segments.active;
      // The same bytes appended again before their first write: write them before the patch.
      active.log.writeIfQueued(validated.bytes);
      patchBaseOffset(validated.bytes, baseOffset);
      // Outside the CRC: the leader stamps its epoch without invalidating the batch.
      if (leaderEpoch !== undefined) patchPartitionLeaderEpoch(validated.bytes, leaderEpoch);
      // Before the batch is queued, as Kafka's UnifiedLog.append: a failed checkpoint write
      // appends nothing and takes the log offline, never leaves a batch written past endOffset.
      this.leaderEpochs.assign(validated.bytes.readInt32BE(BatchLayout.PARTITION_LEADER_EPOCH), baseOffset);
      active.append(validated.bytes, validated, lastOffset);
      this.flusher.markUnflushed(active);
    } catch (error) {
      throw this.faults.record(error);
    }
    this.writes.schedule();
    this.producers.update(validated, baseOffset);
    this.endOffset = lastOffset + 1n;
    this.committed.appended(this.endOffset);
    this.waiters.notify(this.endOffset);
    this.flusher.appended();
    return { baseOffset, lastOffset, logEndOffset: this.endOffset };
  }

  /**
   * A follower's append (Kafka's appendAsFollower): the leader's batches, one or more whole
   * batches back to back as a Fetch returned them, kept as they are (offsets, leader epochs), each
   * validated as a broker's batch and recorded in the producer state as it is appended. The first
   * batch must start at logEndOffset and each follow the one before: InvalidRecordError otherwise,
   * with the batches before it appended. Returns the new logEndOffset.
   */
  appendAsFollower(records: Buffer): bigint {
    this.checkOpen();
    appendAsFollower(
      this.dir,
      records,
      () => this.endOffset,
      (bytes) => this.append(this.validate(bytes, { origin: 'coordinator' })),
    );
    return this.endOffset;
  }

  /**
   * A follower's truncation after its leader changed (Kafka's UnifiedLog.truncateTo), to any
   * offset: the batch holding `offset` and every later one go, with the segments above it, their
   * leader epochs and the producer-state snapshots above the new end; the producer state is
   * rebuilt from what remains and the high watermark comes down with the log end if it was past
   * it. A cut below the first segment empties the log and starts it at `offset`. Crash-safe at
   * every step (see truncationSteps). Returns the new log end offset.
   */
  truncateTo(offset: bigint): bigint {
    for (const step of this.truncationSteps(offset)) step();
    return this.endOffset;
  }

  /**
   * The steps of `truncateTo(offset)`, which runs them all, for tests that stop between them as a
   * crash would (see truncationSteps). None when `offset` is at or past the log end.
   */
  truncationSteps(offset: bigint): TruncationStep[] {
    this.checkOpen();
    if (offset < 0n) throw new RangeError(`${this.dir}: truncation to offset ${offset}, below 0`);
    if (offset >= this.endOffset) return [];
    const context = {
      dir: this.dir,
      config: this.config,
      clock: this.clock,
      segments: this.segments,
      flusher: this.flusher,
      leaderEpochs: this.leaderEpochs,
      logStartOffset: this.startOffset,
      cleanerOffset: this.cleanerOffset,
    };
    const steps = this.faults.run(() =>
      truncationSteps(context, offset, (truncated) => {
        this.startOffset = truncated.logStartOffset;
        this.endOffset = truncated.logEndOffset;
        this.cleanerOffset = truncated.cleanerOffset;
        this.producers = truncated.producerState;
        this.committed.truncated(this.startOffset, this.endOffset);
        this.checkpointedSegment =
          this.segments.all[this.segments.floorIndex(this.recoveryPoint)]!.baseOffset;
      }),
    );
    return steps.map((step) => () => this.faults.run(step));
  }

  /**
   * From now on appends leave the high watermark where it is: the partition is replicated and its
   * leader moves it (`advanceHighWatermark`) once the in-sync replicas have the records. The first
   * call may start it at `startAt` (a checkpointed high watermark; bounded by the log start and
   * end offsets), else it stays at the log end; later calls change nothing.
   */
  holdHighWatermark(startAt?: bigint): void {
    this.committed.hold(startAt, this.startOffset, this.endOffset);
  }

  /**
   * Moves the high watermark up to `offset` (at most logEndOffset; never down), telling the append
   * watchers when it moves. Returns whether it moved.
   */
  advanceHighWatermark(offset: bigint): boolean {
    if (!this.committed.advance(offset, this.endOffset)) return false;
    // Watchers (waiting consumer fetches) learn that records became readable.
    this.waiters.notify(this.endOffset);
    return true;
  }

  /**
   * Whole batches from the one holding `fetchOffset`: up to `maxBytes`, but always at least one
   * batch when there is one, so consumers progress. Reads stop at the high watermark and never
   * cross into the next segment. OffsetOutOfRangeError outside [logStartOffset, logEndOffset].
   */
  read(fetchOffset: bigint, maxBytes: number): FetchResult {
    this.checkOpen();
    return readBatches(this.readView(), fetchOffset, maxBytes);
  }

  /**
   * As `read`, for fetches: the same answer, read with asynchronous file reads (see
   * LogSegment.readAsync), so a read that misses the page cache holds up no other request. The
   * answer is bounded by the high watermark when the call is made (by the log end with
   * `toLogEnd`, for a follower's fetch): appends that land while the read waits are left for the
   * next fetch, and the offsets returned are those of the call.
   */
  readAsync(fetchOffset: bigint, maxBytes: number, toLogEnd = false): Promise<FetchResult> {
    try {
      this.checkOpen();
      return readBatchesAsync(this.readView(), fetchOffset, maxBytes, toLogEnd);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private readView(): ReadView {
    return {
      dir: this.dir,
      segments: this.segments,
      faults: this.faults,
      logStartOffset: this.startOffset,
      logEndOffset: this.endOffset,
      highWatermark: this.committed.offset,
      isClosed: () => this.closed,
    };
  }

  /** ListOffsets EARLIEST. */
  earliestOffset(): bigint {
    this.checkOpen();
    return this.startOffset;
  }

  /** ListOffsets LATEST: the high watermark. */
  latestOffset(): bigint {
    this.checkOpen();
    return this.committed.offset;
  }

  /**
   * ListOffsets by timestamp: the first readable offset whose record timestamp is >= `timestamp`,
   * with that timestamp; undefined when no record is that recent. Segments are skipped by their
   * largest timestamp and the scan inside one starts from its time index.
   */
  offsetForTimestamp(timestamp: bigint): Promise<OffsetAndTimestamp | undefined> {
    this.checkOpen();
    return offsetForTimestamp(this.segments.all.slice(), timestamp, this.startOffset, (read) =>
      this.faults.run(read),
    );
  }

  /**
   * Headers of the batches from the one holding `fromOffset` to the end, oldest first
   * (producerId, producerEpoch, baseSequence, offsets, timestamps). Iterate without appending or
   * compacting in between.
   */
  *batchHeaders(fromOffset: bigint = this.startOffset): Generator<BatchHeader> {
    this.checkOpen();
    for (const segment of this.segments.from(fromOffset)) {
      const start = segment.offsetIndex.lookup(fromOffset).position;
      const headers = this.faults.run(() => [...segment.batchHeaders(start)]);
      for (const { header } of headers) if (lastOffsetOf(header) >= fromOffset) yield header;
    }
  }

  /**
   * DeleteRecords: makes `offset` the log start offset (if it is above it) and deletes the
   * segments entirely below it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: bigint): bigint {
    this.checkOpen();
    if (offset > this.committed.offset || offset < 0n) {
      throw new OffsetOutOfRangeError(offset, this.startOffset, this.committed.offset, this.dir);
    }
    if (offset <= this.startOffset) return this.startOffset;
    return this.faults.run(() => {
      this.startOffset = offset;
      if (this.cleanerOffset < offset) this.cleanerOffset = offset;
      this.writeCheckpoint();
      this.deleteSegments(false);
      return this.startOffset;
    });
  }

  /** Applies retention (retentionMs, retentionBytes, log start offset) now; returns how many segments were deleted. */
  deleteOldSegments(): number {
    this.checkOpen();
    return this.deleteSegments(deletesOldSegments(this.config));
  }

  /** Deletes the old segments retention picks; with `byRetention` false only those below the log start offset. */
  private deleteSegments(byRetention: boolean): number {
    return this.faults.run(() => {
      const decision = retentionDecision({
        segments: this.segments.all,
        logStartOffset: this.startOffset,
        nowMs: this.clock.now(),
        retentionMs: this.config.retentionMs,
        retentionBytes: this.config.retentionBytes,
        deleteByRetention: byRetention,
      });
      if (decision.count === 0) return 0;
      if (decision.count === this.segments.count) this.roll();
      for (const segment of this.segments.all.slice(0, decision.count)) this.flusher.forget(segment);
      this.segments.removeOldest(decision.count);
      const first = this.segments.all[0]!.baseOffset;
      if (first > this.startOffset) this.startOffset = first;
      // Snapshots of state before the first segment go with the segments they followed.
      for (const offset of ProducerStateSnapshot.offsets(this.dir)) {
        if (offset < first) ProducerStateSnapshot.delete(this.dir, offset);
      }
      if (this.cleanerOffset < this.startOffset) this.cleanerOffset = this.startOffset;
      this.writeCheckpoint();
      return decision.count;
    });
  }

  /** Share of the closed segments' bytes not compacted yet (0 when there are none). */
  get dirtyRatio(): number {
    return LogCleaner.dirtyRatio(this.segments.closed, this.cleanerOffset);
  }

  /**
   * Compacts the closed segments (see LogCleaner): keeps the newest record per key, drops
   * tombstones deleteRetentionMs after their timestamp, swaps the cleaned segments in. Resolves
   * with what was done, or undefined when there is no closed segment; concurrent calls share one run.
   */
  compact(): Promise<CleanerStats | undefined> {
    this.checkOpen();
    this.cleaning ??= new LogCleaner({
      dir: this.dir,
      config: this.config,
      nowMs: this.clock.now(),
      logStartOffset: () => this.startOffset,
      closedSegments: () => this.segments.closed,
      cleanerOffset: this.cleanerOffset,
      swap: (old, cleaned) => this.faults.run(() => this.segments.replace(old, cleaned)),
      cleaned: (offset) =>
        this.faults.run(() => {
          if (offset > this.cleanerOffset) this.cleanerOffset = offset;
          this.writeCheckpoint();
        }),
    })
      .clean()
      .catch((error: unknown) => {
        throw this.faults.record(error);
      })
      .finally(() => {
        this.cleaning = undefined;
      });
    return this.cleaning;
  }
}
