import { AppendWaiters, type AppendWatcher, type LogEndPosition } from './append-waiters.js';
import { CleanShutdownMarker } from './clean-shutdown-marker.js';
import type { Clock } from './clock.js';
import { CoalescedWrites } from './coalesced-writes.js';
import { KafkaStorageError } from './errors.js';
import { LogCheckpoint } from './log-checkpoint.js';
import type { CleanerStats } from './log-cleaner.js';
import type { LogConfig } from './log-config.js';
import { LogFlusher } from './log-flusher.js';
import { LogLoader, type RecoveryReport } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import { LogSegments } from './log-segments.js';
import { type ValidatedBatch, type ValidationOptions, validateBatch } from './log-validator.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { StorageFaultHandler } from './storage-fault-handler.js';

/**
 * The files of a partition log (Kafka's LocalLog): its segments in `<data-dir>/<topic>-<partition>/`,
 * where the log ends, and what is done to them as files: appends written once per turn, rolls,
 * fsyncs and the checkpoint of the recovery point, the waiters of appends, and a clean close.
 * PartitionLog, the only subclass, adds what the offsets mean: the high watermark and the reads
 * it bounds, leader epochs, a follower's appends and truncation, retention and compaction.
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
 * for acks=all); flushMessages and flushMs trigger it too, and so does every roll for the segment
 * it closes. The checkpoint records the recovery point whenever it moves into another segment
 * (recovery rescans whole segments, so finer steps would not shorten it) and at close, which also
 * writes the clean-shutdown marker.
 *
 * Faults: the first I/O error (KafkaStorageError, naming the file and values) takes the log
 * offline: that call and every later one throws, pending waiters are rejected and `onOffline`
 * is called. Nothing is retried and no state is guessed.
 */
export abstract class LocalLog {
  protected readonly segments: LogSegments;
  protected startOffset: bigint;
  protected endOffset: bigint;
  protected cleanerOffset: bigint;
  /** Base offset of the segment that held the recovery point when the checkpoint was written. */
  protected checkpointedSegment: bigint;
  protected readonly faults: StorageFaultHandler;
  protected closed = false;
  /** The compaction running (PartitionLog.compact), which `close` waits for. */
  protected cleaning: Promise<CleanerStats | undefined> | undefined;
  protected readonly waiters = new AppendWaiters();
  protected readonly flusher: LogFlusher;
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
  protected producers: ProducerStateManager;
  protected readonly writes: CoalescedWrites;

  protected constructor(
    readonly dir: string,
    readonly config: LogConfig,
    protected readonly clock: Clock,
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
    this.writes = new CoalescedWrites(this.faults, () => this.segments.active.log.writePending());
  }

  get logStartOffset(): bigint {
    return this.startOffset;
  }

  /** One past the last offset appended. */
  get logEndOffset(): bigint {
    return this.endOffset;
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
  protected maybeRoll(batch: ValidatedBatch, lastOffset: bigint): void {
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
  protected roll(): void {
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

  /** Resolves once every append made before the call is fsynced; concurrent calls share fsyncs. */
  flush(): Promise<void> {
    this.checkOpen();
    return this.flusher.flush();
  }

  /** Flushes if flushMs has passed since the last flush and something is unflushed (LogManager calls it). */
  async flushIfDue(): Promise<void> {
    if (!this.closed && !this.faults.isOffline) await this.flusher.flushIfDue();
  }

  protected writeCheckpoint(): void {
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

  protected checkOpen(): void {
    this.faults.check();
    if (this.closed) throw new Error(`log ${this.dir} is closed`);
  }
}
