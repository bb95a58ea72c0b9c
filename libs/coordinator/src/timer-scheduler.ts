import type { ScheduledTask, Scheduler } from './scheduler.js';

/** Node's setTimeout fires at once (with a warning) for delays above this; longer ones are chained. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The production scheduler: one `setTimeout` per task, unref'd so that pending group timers never
 * keep the broker's process alive on shutdown.
 */
export class TimerScheduler implements Scheduler {
  schedule(delayMs: number, task: () => void): ScheduledTask {
    let timer: NodeJS.Timeout | undefined;
    const arm = (remainingMs: number): void => {
      const step = Math.min(remainingMs, MAX_TIMER_DELAY_MS);
      timer = setTimeout(() => {
        if (remainingMs > step) arm(remainingMs - step);
        else task();
      }, step);
      timer.unref();
    };
    arm(Math.max(0, delayMs));
    return {
      cancel: () => {
        clearTimeout(timer);
      },
    };
  }
}
