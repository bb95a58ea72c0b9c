import type { Clock } from './clock.js';
import type { ScheduledTask, Scheduler } from './scheduler.js';

interface Entry {
  readonly due: number;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

/**
 * A clock and a scheduler whose time moves only when `advance` is called: tests (ours and the
 * broker's) drive session timeouts, rebalance delays and offset expiry deterministically, without
 * sleeping.
 *
 * Invariant: `now()` never goes backwards. While `advance` runs a task, `now()` is that task's due
 * time, so the task sees the time it was meant to run at; tasks scheduled by a task run in the
 * same `advance` when they fall due within it.
 */
export class ManualScheduler implements Scheduler, Clock {
  #now: number;
  #seq = 0;
  /** Sorted by (due, seq): the next task to run is first. */
  #queue: Entry[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, task: () => void): ScheduledTask {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new RangeError(`delayMs is ${delayMs}; it must be a finite number >= 0`);
    }
    const entry: Entry = { due: this.#now + delayMs, seq: this.#seq++, task, cancelled: false };
    let at = this.#queue.length;
    while (at > 0 && (this.#queue[at - 1] as Entry).due > entry.due) at--;
    this.#queue.splice(at, 0, entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running every task that falls due on the way, in due order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms is ${ms}; it must be a finite number >= 0`);
    const target = this.#now + ms;
    for (;;) {
      const next = this.#queue[0];
      if (next === undefined || next.due > target) break;
      this.#queue.shift();
      if (next.cancelled) continue;
      this.#now = next.due;
      next.task();
    }
    this.#now = target;
  }

  /** How many tasks are waiting to run (cancelled ones excluded). */
  get pendingTasks(): number {
    return this.#queue.filter((entry) => !entry.cancelled).length;
  }
}
