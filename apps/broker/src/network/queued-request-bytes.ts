/** Requests up to this size (size prefix included) are small: Metadata, Fetch, Heartbeat, commits, modest produces. */
export const SMALL_REQUEST_BYTES = 64 * 1024;
/** Share of the budget that only small requests may take (1/8: 32 MiB of the default 256 MiB). */
const SMALL_REQUEST_RESERVE = 1 / 8;

/**
 * The broker-wide budget for request bytes read and not yet handled (`queued.max.request.bytes`),
 * shared by every connection, as Kafka's non-strict SimpleMemoryPool:
 *
 * - A connection reserves a whole frame (size prefix included) when it reads the frame's size,
 *   before its body; the reservation is released when the request has been handled (its response
 *   is ready, or it wanted none) or its connection closes.
 * - A reservation succeeds while anything is left, whatever its size, so `used` never passes
 *   `capacity + socket.request.max.bytes`, and a frame of any allowed size is eventually
 *   admitted: the configuration requires `capacity >= socket.request.max.bytes`.
 * - Unlike Kafka's pool, the last eighth of the budget is kept for small requests: a large one
 *   is admitted only while `used < capacity - capacity / 8`. So clients sending frames of tens of
 *   MiB cannot hold up every other client's Metadata, Fetch or Heartbeat for the time it takes to
 *   read and handle all of theirs.
 * - A connection refused stops reading and waits; released bytes wake the waiters of each kind
 *   in the order they came (in a microtask), each retrying its reservation, until that kind's
 *   share is used up again. Nothing is dropped: a refused frame's bytes stay in the connection's
 *   socket until it is admitted.
 *
 * A frame once admitted is always read to its end, so two half-read frames never hold the
 * budget waiting for each other. `capacity` -1 means no budget (Kafka's default).
 */
export class QueuedRequestBytes {
  private usedBytes = 0;
  private peakBytes = 0;
  /** Below this, large requests are admitted too. */
  private readonly largeRequestLimit: number;
  /** Waiting connections' wake-ups, in arrival order (a Set keeps insertion order). */
  private readonly smallWaiters = new Set<() => void>();
  private readonly largeWaiters = new Set<() => void>();
  private waking = false;

  constructor(readonly capacity: number) {
    this.largeRequestLimit = capacity - Math.floor(capacity * SMALL_REQUEST_RESERVE);
  }

  /** Bytes reserved now. */
  get used(): number {
    return this.usedBytes;
  }

  /** Most bytes ever reserved at once. */
  get peak(): number {
    return this.peakBytes;
  }

  /** Connections waiting for the budget. */
  get waiting(): number {
    return this.smallWaiters.size + this.largeWaiters.size;
  }

  /**
   * Reserves `bytes` if its kind's share has anything left; otherwise calls `wake` once some of
   * it may be free (the caller then tries again) and returns false.
   */
  reserveOrWait(bytes: number, wake: () => void): boolean {
    const small = bytes <= SMALL_REQUEST_BYTES;
    if (this.capacity >= 0 && this.usedBytes >= (small ? this.capacity : this.largeRequestLimit)) {
      (small ? this.smallWaiters : this.largeWaiters).add(wake);
      return false;
    }
    this.usedBytes += bytes;
    if (this.usedBytes > this.peakBytes) this.peakBytes = this.usedBytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (!this.waking && this.waiting > 0 && this.usedBytes < this.capacity) {
      // Woken from a task of their own, not from inside whatever released the bytes.
      this.waking = true;
      queueMicrotask(() => this.wakeWaiters());
    }
  }

  /** Forgets `wake` (its connection closed). */
  cancelWait(wake: () => void): void {
    this.smallWaiters.delete(wake);
    this.largeWaiters.delete(wake);
  }

  private wakeWaiters(): void {
    this.waking = false;
    wakeWhile(this.smallWaiters, () => this.usedBytes < this.capacity);
    wakeWhile(this.largeWaiters, () => this.usedBytes < this.largeRequestLimit);
  }
}

function wakeWhile(waiters: Set<() => void>, room: () => boolean): void {
  while (waiters.size > 0 && room()) {
    const [wake] = waiters;
    waiters.delete(wake!);
    wake!();
  }
}
