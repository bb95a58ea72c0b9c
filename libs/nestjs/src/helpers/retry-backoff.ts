/**
 * The wait before try `attempt + 1` after try `attempt` failed: `backoffMs` doubled per retry
 * already made, capped at `maxBackoffMs` (attempt 1 -> backoffMs, 2 -> 2 x backoffMs, ...).
 */
export function retryBackoffMs(attempt: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Waits `ms`, or less when `signal` aborts; resolves whether the wait ran to its end. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      resolve(completed);
    };
    const aborted = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
