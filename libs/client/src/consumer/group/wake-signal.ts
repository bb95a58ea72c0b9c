import type { Scheduler } from '@runnel/coordinator';

/**
 * How the coordinator's run loop waits: `idle()` until someone calls `wake()`, `sleep(ms)` until
 * the time passes or `wake()` comes first. At most one wait at a time. A `wake()` while nothing
 * waits is dropped: the loop reads its flags synchronously before each wait, so nothing is missed.
 */
export class WakeSignal {
  #wake: (() => void) | undefined;

  constructor(private readonly scheduler: Scheduler) {}

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const task = this.scheduler.schedule(ms, () => this.wake());
      this.#wake = () => {
        task.cancel();
        resolve();
      };
    });
  }
}
