/**
 * Calls `send(i)` for i from 0 to `count - 1` with at most `inFlight` calls unresolved at once,
 * in order of i; rejects with the first failure. The bounded window is how every client here
 * is driven for throughput: enough outstanding to keep the pipe full, not so many that memory
 * or the server's queue is what gets measured.
 */
export async function sendWindowed(
  count: number,
  inFlight: number,
  send: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/** Runs `fn` and returns its rate in records/s for `records` records. */
export async function timed(records: number, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return records / ((performance.now() - start) / 1000);
}

/** A promise with its resolve and reject (Promise.withResolvers is Node 22). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
