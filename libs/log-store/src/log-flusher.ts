import type { Clock } from './clock.js';
import { GroupCommit } from './group-commit.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import type { LogSegments } from './log-segments.js';
import type { StorageFaultHandler } from './storage-fault-handler.js';
import { syncDir } from './storage-io.js';

export interface LogFlusherContext {
  segments: LogSegments;
  config: Pick<LogConfig, 'flushMessages' | 'flushMs'>;
  clock: Clock;
  faults: StorageFaultHandler;
  /** One past the last appended offset. */
  endOffset: () => bigint;
  /** Called after the recovery point advanced (the log decides whether to write its checkpoint). */
  recoveryPointAdvanced: () => void;
}

/**
 * What of one log is durable, and when to fsync the rest.
 *
 * It tracks the segments with data or index entries not yet fsynced and the recovery point
 * (everything below it is fsynced). A flush round fsyncs those segments (a closed segment's
 * indexes too; the active segment's indexes are rebuilt by recovery, so they are only written)
 * and, after a roll, the directory that gained the new segment's files, then advances the
 * recovery point to the log end offset taken when the round started.
 *
 * Rounds are triggered by `flush()` (rounds are shared by concurrent callers: group commit), by
 * an append that leaves flushMessages messages unflushed, by `flushIfDue()` once flushMs has
 * passed since the last round, and by the log on every roll. A failed fsync takes the log offline
 * through the fault handler: after one, Linux may have dropped the dirty pages, so it is never
 * retried.
 */
export class LogFlusher {
  private readonly unflushed = new Set<LogSegment>();
  private directoryUnsynced = false;
  private durableOffset: bigint;
  private lastFlushMs: number;
  /** Truncations so far: a round that saw one begin after it started leaves the recovery point alone. */
  private truncations = 0;
  private readonly commits: GroupCommit;

  constructor(
    private readonly context: LogFlusherContext,
    recoveryPoint: bigint,
  ) {
    this.durableOffset = recoveryPoint;
    this.lastFlushMs = context.clock.now();
    this.commits = new GroupCommit(
      context.endOffset,
      () => this.durableOffset,
      (target) => this.flushUpTo(target),
    );
  }

  get recoveryPoint(): bigint {
    return this.durableOffset;
  }

  /** `segment`'s files were just created: the next round also fsyncs the directory, so they survive a crash. */
  markCreated(segment: LogSegment): void {
    this.unflushed.add(segment);
    this.directoryUnsynced = true;
  }

  /** `segment` got data or index entries that are not fsynced yet. */
  markUnflushed(segment: LogSegment): void {
    this.unflushed.add(segment);
  }

  /** `segment` left the log; nothing of it needs flushing any more. */
  forget(segment: LogSegment): void {
    this.unflushed.delete(segment);
  }

  /**
   * The log was truncated to `endOffset` and lost `removed`: nothing at or past the cut is durable
   * any more, and a round running now, which took its target before the cut, advances nothing.
   */
  truncated(endOffset: bigint, removed: readonly LogSegment[]): void {
    if (this.durableOffset > endOffset) this.durableOffset = endOffset;
    for (const segment of removed) this.unflushed.delete(segment);
    this.truncations++;
  }

  /** After an append: starts a round if flushMessages messages are unflushed. */
  appended(): void {
    if (Number(this.context.endOffset() - this.durableOffset) >= this.context.config.flushMessages)
      this.flushInBackground();
  }

  /** Resolves once every append made before the call is fsynced. */
  flush(): Promise<void> {
    return this.commits.request();
  }

  /** Starts a round nobody waits for (after a roll, or by flushMessages). */
  flushInBackground(): void {
    // A failure has already taken the log offline and told its owner; nobody else is waiting.
    this.commits.request().catch(() => undefined);
  }

  /** Flushes if flushMs has passed since the last round and something is unflushed. */
  async flushIfDue(): Promise<void> {
    if (this.context.endOffset() <= this.durableOffset) return;
    if (this.context.clock.now() - this.lastFlushMs >= this.context.config.flushMs) await this.flush();
  }

  /** Resolves when no round is running or queued. */
  idle(): Promise<void> {
    return this.commits.idle();
  }

  /** Shutdown: fsyncs everything unflushed, blocking; the recovery point becomes the log end offset. */
  flushAllSync(): void {
    for (const segment of this.unflushed) segment.flushSync();
    this.unflushed.clear();
    this.durableOffset = this.context.endOffset();
  }

  private async flushUpTo(target: bigint): Promise<void> {
    const segments = [...this.unflushed];
    this.unflushed.clear();
    const truncations = this.truncations;
    const syncDirectory = this.directoryUnsynced;
    this.directoryUnsynced = false;
    const { segments: log, faults } = this.context;
    try {
      for (const segment of segments) {
        if (log.includes(segment)) await segment.flush(segment !== log.active);
      }
      if (syncDirectory) syncDir(log.dir);
      if (target > this.durableOffset && truncations === this.truncations) this.durableOffset = target;
      this.lastFlushMs = this.context.clock.now();
      this.context.recoveryPointAdvanced();
    } catch (error) {
      throw faults.record(error);
    }
  }
}
