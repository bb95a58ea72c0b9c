/**
 * The broker-wide budget for request bytes read and not yet handled (`queued.max.request.bytes`),
 * shared by every connection, as Kafka's non-strict SimpleMemoryPool:
 *
 * - A connection reserves a whole frame (size prefix included) when it reads the frame's size,
 *   before its body; the reservation is released when the request has been handled (its response
 *   is ready, or it wanted none) or its connection closes.
 * - A reservation succeeds while anything is left (`used < capacity`), whatever its size, so
 *   `used` never passes `capacity + socket.request.max.bytes`, and a frame of any allowed size is
 *   eventually admitted: the configuration requires `capacity >= socket.request.max.bytes`.
 * - A connection refused stops reading and waits; released bytes wake the waiters in the order
 *   they came (in a microtask), each retrying its reservation, until the budget is used up again. Nothing is
 *   dropped: a refused frame's bytes stay in the connection's socket until it is admitted.
 *
 * A frame once admitted is always read to its end, so two half-read frames never hold the
 * budget waiting for each other. `capacity` -1 means no budget (Kafka's default).
 */
export class QueuedRequestBytes {
  private usedBytes = 0;
  private peakBytes = 0;
  /** Waiting connections' wake-ups, in arrival order (a Set keeps insertion order). */
  private readonly waiters = new Set<() => void>();
  private waking = false;

  constructor(readonly capacity: number) {}

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
    return this.waiters.size;
  }

  /** Reserves `bytes` if anything is left of the budget. */
  tryReserve(bytes: number): boolean {
    if (this.capacity >= 0 && this.usedBytes >= this.capacity) return false;
    this.usedBytes += bytes;
    if (this.usedBytes > this.peakBytes) this.peakBytes = this.usedBytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (!this.waking && this.waiters.size > 0 && this.usedBytes < this.capacity) {
      // Woken from a task of their own, not from inside whatever released the bytes.
      this.waking = true;
      queueMicrotask(() => this.wakeWaiters());
    }
  }

  private wakeWaiters(): void {
    this.waking = false;
    while (this.usedBytes < this.capacity && this.waiters.size > 0) {
      const [wake] = this.waiters;
      this.waiters.delete(wake!);
      wake!();
    }
  }

  /** Calls `wake` once some of the budget is free (after a refused `tryReserve`). */
  waitForBytes(wake: () => void): void {
    this.waiters.add(wake);
  }

  cancelWait(wake: () => void): void {
    this.waiters.delete(wake);
  }
}
