/** A task that was scheduled and may still be called off. Cancelling a task that already ran does nothing. */
export interface ScheduledTask {
  cancel(): void;
}

/**
 * Runs a callback once after a delay. The coordinator's only source of timers (session and
 * rebalance timeouts, the initial rebalance delay, the offset expiry pass), injected so that
 * tests advance time by hand (`ManualScheduler`) and the broker uses real timers (`TimerScheduler`).
 *
 * Contract: a task never runs synchronously inside `schedule`, even with a delay of 0, and
 * tasks that fall due at the same time run in the order they were scheduled.
 */
export interface Scheduler {
  schedule(delayMs: number, task: () => void): ScheduledTask;
}
