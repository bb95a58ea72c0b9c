interface Waiter {
  offset: bigint;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The promises behind `PartitionLog.waitForAppend`, which long-polling fetches await: each
 * resolves once the log end offset is past its offset, and rejects when its AbortSignal fires
 * (with the signal's reason) or the log goes offline or closes.
 */
export class AppendWaiters {
  private waiters: Waiter[] = [];

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
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Resolves the waiters whose offset is now below the log end offset. */
  notify(logEndOffset: bigint): void {
    if (this.waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.offset < logEndOffset) {
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      } else {
        remaining.push(waiter);
      }
    }
    this.waiters = remaining;
  }

  /** Rejects every waiter with `error`. */
  failAll(error: Error): void {
    for (const waiter of this.waiters) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
    this.waiters = [];
  }
}
