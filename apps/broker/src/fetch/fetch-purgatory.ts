import { setMaxListeners } from 'node:events';
import type { LogPosition } from './fetch-reader.js';

/**
 * Where long-polling fetches wait (Kafka's fetch purgatory of DelayedFetch operations). A waiting
 * fetch is a Promise, so it holds up no other request and no other connection; it is released by
 * the first of:
 * - an append past any of its partitions' log ends (PartitionLog.waitForAppend), or that log
 *   going offline or closing: the fetch reads again either way, and the read reports the fault;
 * - its deadline (one timer per waiting fetch);
 * - `stop()`, which releases every waiting fetch at once so the broker can shut down without
 *   waiting out any `maxWaitMs`; fetches that arrive after it do not wait at all.
 *
 * Nothing outlives a wait: its timer is cleared and its append waiters are withdrawn (through
 * one AbortSignal) however it ends.
 */
export class FetchPurgatory {
  private readonly waiting = new Set<() => void>();
  private stopped = false;

  /**
   * Waits up to `waitMs` for an append past one of `logEnds`. Resolves true when one came (or a
   * log failed), false when the time ran out or the broker is stopping.
   */
  async awaitAppend(logEnds: readonly LogPosition[], waitMs: number): Promise<boolean> {
    if (this.stopped) return false;
    const withdraw = new AbortController();
    // One abort listener per partition of the fetch: not a leak, however many partitions.
    setMaxListeners(0, withdraw.signal);
    let release!: () => void;
    const expired = new Promise<boolean>((resolve) => {
      release = () => resolve(false);
    });
    const timer = setTimeout(release, waitMs);
    this.waiting.add(release);
    try {
      return await Promise.race([expired, ...logEnds.map((end) => appendPast(end, withdraw.signal))]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(release);
      withdraw.abort();
    }
  }

  /** Releases every waiting fetch now, and lets no later fetch wait. */
  stop(): void {
    this.stopped = true;
    for (const release of this.waiting) release();
    this.waiting.clear();
  }
}

/**
 * True once the log ends past `offset`. A rejection (the log went offline or closed, or the wait
 * was withdrawn) counts as a wake-up too: the fetch reads again and reports what the log says.
 */
function appendPast({ log, offset }: LogPosition, signal: AbortSignal): Promise<boolean> {
  try {
    return log.waitForAppend(offset, signal).then(
      () => true,
      () => true,
    );
  } catch {
    return Promise.resolve(true);
  }
}
