/**
 * The producer's `buffer.memory` (Kafka's BufferPool): every batch reserves its buffer's capacity
 * when it is opened and gives it back when it completes (acknowledged or failed), so batches
 * waiting, in flight and being retried together never hold more than `totalBytes`.
 *
 * Buffers of exactly `poolableSize` bytes (the producer's batchSize) are kept for reuse when their
 * batch completes, as Kafka does: a steady producer then allocates no batch buffers at all, and the
 * garbage collector sees no stream of 16 KiB external allocations. The kept buffers are at most
 * what was once reserved at the same time, so they never exceed `totalBytes` either.
 *
 * Waiters are served first come, first served, and nobody may jump the queue: `tryReserve` fails
 * while anyone waits, so a large request is not starved by small ones, and records of a send()
 * that waited are never overtaken by records of a later send().
 */
export class BufferPool {
  private availableBytes: number;
  private readonly waiters: Waiter[] = [];
  private readonly free: Buffer[] = [];

  constructor(
    readonly totalBytes: number,
    readonly poolableSize: number,
  ) {
    this.availableBytes = totalBytes;
  }

  /** A buffer of `poolableSize` bytes, reused when one is free; its bytes must be reserved already. */
  allocate(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.poolableSize);
  }

  /** Keeps a buffer of a completed batch for `allocate`; buffers of other sizes are left to the GC. */
  recycle(buffer: Buffer): void {
    if (
      buffer.length === this.poolableSize &&
      (this.free.length + 1) * this.poolableSize <= this.totalBytes
    ) {
      this.free.push(buffer);
    }
  }

  /** Bytes not reserved now. */
  get available(): number {
    return this.availableBytes;
  }

  /** Bytes reserved by batches now. */
  get reserved(): number {
    return this.totalBytes - this.availableBytes;
  }

  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** Reserves `bytes` at once if they are free and nobody waits; false otherwise. */
  tryReserve(bytes: number): boolean {
    if (this.waiters.length > 0 || bytes > this.availableBytes) return false;
    this.availableBytes -= bytes;
    return true;
  }

  /**
   * Reserves `bytes`, waiting in line for them up to `timeoutMs`. Rejects with `onTimeout()`'s
   * error when they did not come free in time (nothing is reserved then). `bytes` must not exceed
   * `totalBytes`: the caller refuses such a record itself.
   */
  reserve(bytes: number, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.tryReserve(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, timer: undefined };
      waiter.timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at === -1) return;
        this.waiters.splice(at, 1);
        reject(onTimeout());
        // The head of the line may have been the one blocking those behind it.
        this.serveWaiters();
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Gives `bytes` back and serves waiters in order while they fit. */
  release(bytes: number): void {
    this.availableBytes += bytes;
    this.serveWaiters();
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.waiters[0]!.bytes <= this.availableBytes) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      this.availableBytes -= waiter.bytes;
      waiter.resolve();
    }
  }
}

interface Waiter {
  readonly bytes: number;
  readonly resolve: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}
