import { type BatchHeader, BatchLayout, patchBaseOffset, patchPartitionLeaderEpoch } from '@runnel/protocol';
import { AppendWaiters, type AppendWatcher, type LogEndPosition } from './append-waiters.js';
import { CleanShutdownMarker } from './clean-shutdown-marker.js';
import { type Clock, systemClock } from './clock.js';
import { CoalescedWrites } from './coalesced-writes.js';
import { KafkaStorageError, OffsetOutOfRangeError } from './errors.js';
import { appendAsFollower } from './follower-append.js';
import { HighWatermark } from './high-watermark.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { LogCheckpoint } from './log-checkpoint.js';
import { type CleanerStats, LogCleaner } from './log-cleaner.js';
import { deletesOldSegments, type LogConfig, resolveLogConfig } from './log-config.js';
import { LogFlusher } from './log-flusher.js';
import { LogLoader, type RecoveryReport } from './log-loader.js';
import { type ReadView, readBatches, readBatchesAsync } from './log-reads.js';
import { retentionDecision } from './log-retention.js';
import { LogSegment, lastOffsetOf } from './log-segment.js';
import { LogSegments } from './log-segments.js';
import { type TruncationStep, truncationSteps } from './log-truncation.js';
import { type ValidatedBatch, type ValidationOptions, validateBatch } from './log-validator.js';
import type { AppendResult, FetchResult, PartitionLogOptions } from './partition-log-types.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { StorageFaultHandler } from './storage-fault-handler.js';
import { type OffsetAndTimestamp, offsetForTimestamp } from './timestamp-lookup.js';

/**
 * The log of one topic partition (Kafka's UnifiedLog): the segments of `<data-dir>/<topic>-<partition>/`.
 *
 * Offsets: [logStartOffset, logEndOffset) are readable. `highWatermark` is the end of what
 * consumers may read; without replication every append is committed at once, so it equals
 * logEndOffset after each append. A replicated partition's log holds it back
 * (`holdHighWatermark`): its leader moves it as the in-sync replicas catch up
 * (`advanceHighWatermark`), and reads stop there unless asked to read to the log end (followers).
 * `recoveryPoint` is the end of what is fsynced.
 *
 * Threading: one writer. Every method runs on the event loop and file I/O is synchronous except
 * fsync (see storage-io.ts), so a read sees the log either before or after an append, never
 * during; `flush()` and `compact()` await the disk or the codec without blocking appends.
 *
 * Writes: the appends of one event-loop turn are written together, with one writev, at the end
 * of the turn (setImmediate); offsets are assigned at `append`, and every read, fsync, roll and
 * close writes what is pending first, so nothing else sees the difference. `whenWritten()`
 * resolves once the appends made before it are in the page cache (what acks=1 waits for).
 *
 * Durability: an append is in the page cache once `whenWritten()` resolves; `flush()` makes
 * every earlier append durable, sharing one fsync round among concurrent callers (group commit,
 * for acks=all);
 * flushMessages and flushMs trigger it too, and so does every roll for the segment it closes.
 * The checkpoint records the recovery point whenever it moves into another segment (recovery
 * rescans whole segments, so finer steps would not shorten it) and at close, which also writes
 * the clean-shutdown marker.
 *
 * Faults: the first I/O error (KafkaStorageError, naming the file and values) takes the log
 * offline: that call and every later one throws, pending waiters are rejected and `onOffline`
 * is called. Nothing is retried and no state is guessed.
 */
export class PartitionLog {
  private readonly segments: LogSegments;
  private startOffset: bigint;
  private endOffset: bigint;
  private readonly committed: HighWatermark;
  private cleanerOffset: bigint;
  /** Base offset of the segment that held the recovery point when the checkpoint was written. */
  private checkpointedSegment: bigint;
  private readonly faults: StorageFaultHandler;
  private closed = false;
  private cleaning: Promise<CleanerStats | undefined> | undefined;
  private readonly waiters = new AppendWaiters();
  private readonly flusher: LogFlusher;
  /** What recovery found and did when the log was opened. */
  readonly recovery: RecoveryReport;
  /**
   * Idempotent-producer state of every batch in the log: loaded at open from the newest
   * `.snapshot` and the batches after it, updated by every append. Producers check a batch
   * against it (`check`) before appending it.
   */
  get producerState(): ProducerStateManager {
    return this.producers;
  }
  private producers: ProducerStateManager;
  /** The leader epochs of the batches and where each starts (`leader-epoch-checkpoint`). */
  readonly leaderEpochs: LeaderEpochCache;
  private readonly writes: CoalescedWrites;

  private constructor(
    readonly dir: string,
    readonly config: LogConfig,
    private readonly clock: Clock,
    onOffline: ((error: KafkaStorageError) => void) | undefined,
  ) {
    this.faults = new StorageFaultHandler(dir, (error) => {
      this.waiters.failAll(error);
      onOffline?.(error);
    });
    const loaded = LogLoader.load(dir, config, clock.now());
    this.segments = new LogSegments(
      dir,
      loaded.segments,
      () => this.flusher.idle(),
      (error) => this.faults.record(error),
    );
    this.startOffset = loaded.logStartOffset;
    this.endOffset = this.segments.active.nextOffset;
    this.committed = new HighWatermark(this.endOffset);
    this.cleanerOffset = loaded.cleanerOffset;
    this.checkpointedSegment = this.segments.active.baseOffset;
    this.flusher = new LogFlusher(
      {
        segments: this.segments,
        config,
        clock,
        faults: this.faults,
        endOffset: () => this.endOffset,
        recoveryPointAdvanced: () => {
          const holding = this.segments.all[this.segments.floorIndex(this.flusher.recoveryPoint)]!;
          if (holding.baseOffset !== this.checkpointedSegment) this.writeCheckpoint();
        },
      },
      this.endOffset,
    );
    this.recovery = loaded.recovery;
    this.producers = loaded.producerState;
    this.leaderEpochs = LeaderEpochCache.open(dir, this.endOffset);
    this.writes = new CoalescedWrites(this.faults, () => this.segments.active.log.writePending());
  }

  /** Opens (creating if needed) the log in `dir`, recovering it after an unclean stop. */
  static open(dir: string, options: PartitionLogOptions = {}): PartitionLog {
    const { clock = systemClock, onOffline, ...logOptions } = options;
    return new PartitionLog(dir, resolveLogConfig(logOptions), clock, onOffline);
  }

  get logStartOffset(): bigint {
    return this.startOffset;
  }

  /** One past the last offset appended. */
  get logEndOffset(): bigint {
    return this.endOffset;
  }

  /** End of what consumers may read; equals logEndOffset without replication. */
  get highWatermark(): bigint {
    return this.committed.offset;
  }

  /** Everything below is fsynced. */
  get recoveryPoint(): bigint {
    return this.flusher.recoveryPoint;
  }

  /** Bytes in all `.log` files. */
  get size(): number {
    return this.segments.all.reduce((sum, segment) => sum + segment.size, 0);
  }

  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): bigint[] {
    return this.segments.all.map((segment) => segment.baseOffset);
  }

  get isOffline(): boolean {
    return this.faults.isOffline;
  }

  /**
   * Takes new settings, as when a topic's configs are altered. The log reads each setting where it
   * is used, so each applies from its next use: `max.message.bytes` and `index.interval.bytes` from
   * the next append, `segment.bytes` and `segment.ms` from the next roll check, flush settings from
   * the next flush check, retention and cleaning settings from the next pass. Segments that exist
   * keep the index size they were created with.
   */
  reconfigure(config: LogConfig): void {
    Object.assign(this.config, config);
  }

  /**
   * Validates `records` for an append to this log (see validateBatch: framing, magic, codec, CRC,
   * sizes against this log's config, and for a client the fields producers may send). Throws the
   * InvalidBatchError of the first rule broken.
   */
  validate(records: Buffer, options?: ValidationOptions): ValidatedBatch {
    return validateBatch(this.dir, records, this.config, options);
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
      active.append(validated.bytes, validated, lastOffset);
      this.flusher.markUnflushed(active);
    } catch (error) {
      throw this.faults.record(error);
    }
    this.writes.schedule();
    this.producers.update(validated, baseOffset);
    this.leaderEpochs.assign(validated.bytes.readInt32BE(BatchLayout.PARTITION_LEADER_EPOCH), baseOffset);
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
   * Resolves once every append made before the call is written to its file (in the page cache:
   * it survives a crash of this process); rejects with the KafkaStorageError that took the log
   * offline if the write failed.
   */
  whenWritten(): Promise<void> {
    return this.writes.whenWritten();
  }

  /**
   * Writes what the appends so far have queued, now, instead of at the end of the turn: for a
   * caller that answers at once (acks=1) once its batch is in the page cache. Throws the
   * KafkaStorageError that takes the log offline.
   */
  writeAppends(): void {
    this.checkOpen();
    this.faults.run(() => this.segments.active.log.writePending());
  }

  /** Rolls before an append that would overfill the active segment, outlast segmentMs, fill an index or overflow int32 offsets. */
  private maybeRoll(batch: ValidatedBatch, lastOffset: bigint): void {
    const segment = this.segments.active;
    if (segment.size === 0) return;
    if (
      segment.size > this.config.segmentBytes - batch.sizeInBytes ||
      segment.rollDue(this.clock.now(), batch.maxTimestamp) ||
      segment.indexesFull ||
      !segment.canHoldOffset(lastOffset)
    ) {
      this.roll();
    }
  }

  /**
   * Closes the active segment and starts a new one at logEndOffset; the closed one is flushed in
   * the background. The producer state of everything before the new segment is snapshotted first
   * (`<logEndOffset>.snapshot`), so recovery replays at most the active segment.
   */
  private roll(): void {
    const previous = this.segments.active;
    previous.log.writePending();
    previous.seal();
    this.flusher.markUnflushed(previous);
    ProducerStateSnapshot.write(this.dir, this.endOffset, this.producers.entries());
    const next = LogSegment.create(this.dir, this.endOffset, this.config, this.clock.now());
    this.segments.add(next);
    this.flusher.markCreated(next);
    this.flusher.flushInBackground();
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

  /** Resolves once every append made before the call is fsynced; concurrent calls share fsyncs. */
  flush(): Promise<void> {
    this.checkOpen();
    return this.flusher.flush();
  }

  /** Flushes if flushMs has passed since the last flush and something is unflushed (LogManager calls it). */
  async flushIfDue(): Promise<void> {
    if (!this.closed && !this.faults.isOffline) await this.flusher.flushIfDue();
  }

  private writeCheckpoint(): void {
    LogCheckpoint.write(this.dir, {
      recoveryPoint: this.flusher.recoveryPoint,
      logStartOffset: this.startOffset,
      cleanerOffset: this.cleanerOffset,
    });
    this.checkpointedSegment =
      this.segments.all[this.segments.floorIndex(this.flusher.recoveryPoint)]!.baseOffset;
  }

  /**
   * Resolves once logEndOffset > `offset`, i.e. a record at `offset` exists (at once if it does);
   * rejects with the signal's reason when `signal` aborts, or when the log goes offline or closes.
   */
  waitForAppend(offset: bigint, signal?: AbortSignal): Promise<void> {
    this.checkOpen();
    return this.waiters.wait(offset, this.endOffset, signal);
  }

  /** Where the log ends now, in bytes, for `bytesAppendedSince`. */
  endPosition(): LogEndPosition {
    const active = this.segments.active;
    return { segmentBaseOffset: active.baseOffset, position: active.size };
  }

  /**
   * Bytes appended since the log ended at `position` (from `endPosition`); Infinity once the log
   * has rolled to another segment since, which a waiting fetch takes as enough, as Kafka's
   * DelayedFetch does for a fetch whose segment is no longer the active one.
   */
  bytesAppendedSince(position: LogEndPosition): number {
    const active = this.segments.active;
    return active.baseOffset === position.segmentBaseOffset
      ? active.size - position.position
      : Number.POSITIVE_INFINITY;
  }

  /**
   * Tells `watcher` of every append from now on, until `unwatchAppends` or until the log goes
   * offline or closes (then `failed`, and it is dropped). Both calls are O(1).
   */
  watchAppends(watcher: AppendWatcher): void {
    this.checkOpen();
    this.waiters.watch(watcher);
  }

  unwatchAppends(watcher: AppendWatcher): void {
    this.waiters.unwatch(watcher);
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

  /**
   * Clean shutdown: waits for running flushes and compaction, fsyncs what is unflushed, writes
   * the producer-state snapshot of logEndOffset, the checkpoint (recoveryPoint = logEndOffset)
   * and the clean-shutdown marker, closes files.
   * An offline log only closes its files.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cleaning?.catch(() => undefined);
    await this.flusher.idle();
    await this.segments.settled();
    this.waiters.failAll(new Error(`log ${this.dir} was closed`));
    if (!this.faults.isOffline) {
      this.faults.run(() => {
        this.segments.active.seal();
        this.flusher.markUnflushed(this.segments.active);
        this.flusher.flushAllSync();
        ProducerStateSnapshot.write(this.dir, this.endOffset, this.producers.entries());
        this.writeCheckpoint();
        CleanShutdownMarker.write(this.dir);
      });
    }
    for (const segment of this.segments.all) {
      try {
        segment.close();
      } catch (error) {
        // An offline log's files may fail to close too; the first error is the one that matters.
        if (!(error instanceof KafkaStorageError) || !this.faults.isOffline) throw error;
      }
    }
  }

  private checkOpen(): void {
    this.faults.check();
    if (this.closed) throw new Error(`log ${this.dir} is closed`);
  }
}
