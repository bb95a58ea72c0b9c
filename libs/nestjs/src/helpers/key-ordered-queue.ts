/** A unit of work the queue runs; it settles when the work is done. */
export type KeyedTask = () => Promise<void>;

/**
 * Runs tasks with at most `maxConcurrency` running at once, while tasks that share a key run one
 * after another in the order they were pushed. Tasks of different keys overlap freely; a task
 * pushed with key `null` has no ordering constraint at all (a keyless Kafka record).
 *
 * Invariants:
 * - for every key, task n+1 starts only after task n settled (resolved or rejected);
 * - `running` never exceeds `maxConcurrency`;
 * - keys wait for a free slot in FIFO order of becoming runnable, so one key with a long
 *   backlog cannot starve the others.
 *
 * A task's rejection is handed to `onError` and counts as the task being done: the queue never
 * stops on a failing task (the caller decides what a failure means, e.g. a dead-letter topic).
 */
export class KeyOrderedQueue {
  /** Tasks waiting behind the running one, per key. A key is present while one of its tasks runs. */
  private readonly backlog = new Map<string, KeyedTask[]>();
  /** Runnable work waiting for a slot: the head task of a key, or a keyless task. */
  private readonly runnable: { key: string | null; task: KeyedTask }[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly maxConcurrency: number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new RangeError(`maxConcurrency: ${maxConcurrency} must be an integer of at least 1`);
    }
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks pushed and not yet settled. */
  get size(): number {
    let waiting = this.runnable.length;
    for (const tasks of this.backlog.values()) waiting += tasks.length;
    return waiting + this.running;
  }

  push(key: string | null, task: KeyedTask): void {
    if (key === null) {
      this.runnable.push({ key, task });
    } else {
      const waiting = this.backlog.get(key);
      if (waiting) {
        waiting.push(task);
        return;
      }
      // The key is now busy: its later tasks wait in the backlog until this one settles.
      this.backlog.set(key, []);
      this.runnable.push({ key, task });
    }
    this.pump();
  }

  /** Resolves once every task pushed so far (and any pushed meanwhile) has settled. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.maxConcurrency && this.runnable.length > 0) {
      const next = this.runnable.shift()!;
      void this.run(next.key, next.task);
    }
  }

  private async run(key: string | null, task: KeyedTask): Promise<void> {
    this.running++;
    try {
      await task();
    } catch (err) {
      this.onError(err);
    } finally {
      this.running--;
      if (key !== null) {
        const waiting = this.backlog.get(key)!;
        const following = waiting.shift();
        if (following) this.runnable.push({ key, task: following });
        else this.backlog.delete(key);
      }
      this.pump();
      if (this.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}
