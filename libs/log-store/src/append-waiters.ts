interface Waiter {
  offset: bigint;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Where a log ends in bytes (Kafka's LogOffsetMetadata of the log end): its active segment, by
 * base offset, and that segment's size.
 */
export interface LogEndPosition {
  readonly segmentBaseOffset: bigint;
  readonly position: number;
}

/**
 * Told about every append to a log and about its end (PartitionLog.watchAppends): how a waiting
 * fetch (the broker's DelayedFetch) learns that bytes arrived without re-reading the log.
 */
export interface AppendWatcher {
  /** Something was appended, or the high watermark moved; the log's `bytesAppendedSince` says how much was appended. */
  appended(): void;
  /** The log went offline or closed: no append will come. The watcher is dropped. */
  failed(error: Error): void;
}

/**
 * Who waits for appends to one log: the promises behind `PartitionLog.waitForAppend`, each
 * resolved once the log end offset is past its offset and rejected when its AbortSignal fires
 * (with the signal's reason), and the AppendWatchers told of every append. Both are kept in sets,
 * so adding and removing one costs O(1) however many wait; the log going offline or closing
 * rejects the promises and fails the watchers.
 */
export class AppendWaiters {
  private readonly waiters = new Set<Waiter>();
  private readonly watchers = new Set<AppendWatcher>();

  wait(offset: bigint, logEndOffset: bigint, signal?: AbortSignal): Promise<void> {
    if (offset < logEndOffset) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.delete(waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  watch(watcher: AppendWatcher): void {
    this.watchers.add(watcher);
  }

  unwatch(watcher: AppendWatcher): void {
    this.watchers.delete(watcher);
  }

  /** Resolves the waiters whose offset is now below the log end offset, and tells every watcher. */
  notify(logEndOffset: bigint): void {
    for (const waiter of this.waiters) {
      if (waiter.offset < logEndOffset) {
        this.waiters.delete(waiter);
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    }
    // A watcher may unwatch itself (or others) from here: deleting from a Set while iterating it
    // skips the deleted entries and visits each remaining one once.
    for (const watcher of this.watchers) watcher.appended();
  }

  /** Rejects every waiter and fails every watcher with `error`. */
  failAll(error: Error): void {
    for (const waiter of this.waiters) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
    this.waiters.clear();
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const watcher of watchers) watcher.failed(error);
  }
}
