import type { AppendWatcher, LogEndPosition, PartitionLog } from '@runnel/log-store';

/** One partition of a waiting fetch: where its log ended when it was read, and what it gave. */
export interface WatchedPartition {
  readonly log: PartitionLog;
  /** The log's end when the read began: what was appended after it was not read. */
  readonly readTo: LogEndPosition;
  /** Record bytes the read returned for this partition. */
  readonly bytesRead: number;
  /** The most this partition can add to the fetch (its `partitionMaxBytes`). */
  readonly maxBytes: number;
  /**
   * A consumer's read of a replicated log (this broker its leader): the high watermark it read up
   * to. Appends are not readable until the ISR has them, so they do not count; the fetch
   * completes once the high watermark moves past it instead.
   */
  readonly highWatermark?: bigint;
}

/**
 * Where long-polling fetches wait (Kafka's fetch purgatory of DelayedFetch operations). A waiting
 * fetch is one promise, so it holds up no other request and no other connection, and it does not
 * re-read its logs while it waits: each of its partitions watches its log's appends
 * (PartitionLog.watchAppends) and counts the bytes appended since the position it read up to,
 * capped at that partition's `maxBytes`, as Kafka's DelayedFetch.tryComplete does. It completes at
 * the first of:
 * - the bytes read plus those appended since, over its partitions, reaching `minBytes` (a log that
 *   rolled to another segment counts as enough, as in Kafka);
 * - a partition's log going offline or closing (the topic deleted, the broker stopping);
 * - its deadline (one timer per waiting fetch);
 * - `stop()`, which completes every waiting fetch at once so the broker can shut down without
 *   waiting out any `maxWaitMs`; fetches that arrive after it do not wait at all.
 * The caller then reads once more and answers with what it finds.
 *
 * Waiting fetches are kept in a Set and their partitions in each log's watcher set: adding and
 * removing either is O(1), and an append costs O(waiting fetches on that partition).
 */
export class FetchPurgatory {
  private readonly waiting = new Set<DelayedFetch>();
  private stopped = false;

  /** Resolves once the fetch may complete (see the class comment); never rejects. */
  awaitBytes(partitions: readonly WatchedPartition[], minBytes: number, waitMs: number): Promise<void> {
    if (this.stopped || waitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const fetch = new DelayedFetch(minBytes, () => {
        this.waiting.delete(fetch);
        resolve();
      });
      this.waiting.add(fetch);
      fetch.start(partitions, waitMs);
    });
  }

  /** How many fetches are waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /** Completes every waiting fetch now, and lets no later fetch wait. */
  stop(): void {
    this.stopped = true;
    for (const fetch of [...this.waiting]) fetch.complete();
  }
}

/** One waiting fetch: its byte count toward `minBytes`, its timer, and its partitions' watchers. */
class DelayedFetch {
  private accumulated = 0;
  private timer: NodeJS.Timeout | undefined;
  private watches: PartitionWatch[] = [];
  private done = false;

  constructor(
    private readonly minBytes: number,
    private readonly onComplete: () => void,
  ) {}

  start(partitions: readonly WatchedPartition[], waitMs: number): void {
    this.timer = setTimeout(() => this.complete(), waitMs);
    for (const partition of partitions) {
      const watch = new PartitionWatch(this, partition);
      this.accumulated += watch.counted;
      try {
        partition.log.watchAppends(watch);
      } catch {
        // The log went offline or closed since it was read: the next read reports it.
        this.complete();
        return;
      }
      this.watches.push(watch);
    }
    // Appends that landed while the partitions were being read count at once.
    for (const watch of this.watches) watch.appended();
    this.check();
  }

  add(bytes: number): void {
    this.accumulated += bytes;
    this.check();
  }

  private check(): void {
    if (this.accumulated >= this.minBytes) this.complete();
  }

  complete(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    for (const watch of this.watches) watch.log.unwatchAppends(watch);
    this.watches = [];
    this.onComplete();
  }
}

/** A waiting fetch's view of one partition's log. */
class PartitionWatch implements AppendWatcher {
  readonly log: PartitionLog;
  /** What this partition counts toward the fetch's minBytes now. */
  counted: number;

  constructor(
    private readonly fetch: DelayedFetch,
    private readonly partition: WatchedPartition,
  ) {
    this.log = partition.log;
    this.counted = Math.min(partition.bytesRead, partition.maxBytes);
  }

  appended(): void {
    const { bytesRead, readTo, maxBytes, highWatermark } = this.partition;
    if (highWatermark !== undefined) {
      if (this.log.highWatermark > highWatermark) this.fetch.complete();
      return;
    }
    const appended = this.log.bytesAppendedSince(readTo);
    if (appended === Number.POSITIVE_INFINITY) {
      // The log rolled: Kafka completes such a fetch rather than count across segments.
      this.fetch.complete();
      return;
    }
    const now = Math.min(maxBytes, bytesRead + appended);
    if (now === this.counted) return;
    const added = now - this.counted;
    this.counted = now;
    this.fetch.add(added);
  }

  failed(): void {
    this.fetch.complete();
  }
}
