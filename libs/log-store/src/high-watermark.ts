/**
 * The high watermark of a partition log: the end of what consumers may read.
 *
 * Without replication every append is committed at once, so it follows the log end offset. A
 * replicated partition's log holds it (`hold`): appends leave it, and the leader moves it up
 * (`advance`) as the in-sync replicas catch up; a follower moves it to what its leader answers.
 * It never passes the log end offset and only comes down with the log end (a truncation).
 *
 * Invariant: logStartOffset <= offset <= logEndOffset, once held; equal to logEndOffset before.
 */
export class HighWatermark {
  private held = false;

  constructor(private current: bigint) {}

  get offset(): bigint {
    return this.current;
  }

  /** Whether appends leave it where it is. */
  get isHeld(): boolean {
    return this.held;
  }

  /** The log now ends at `logEndOffset` after an append. */
  appended(logEndOffset: bigint): void {
    if (!this.held) this.current = logEndOffset;
  }

  /**
   * Appends leave it from now on. The first call starts it at `startAt` (a broker's checkpointed
   * high watermark), bounded by the log's start and end offsets; without `startAt` it stays where
   * it is (the log end). Later calls change nothing.
   */
  hold(startAt: bigint | undefined, logStartOffset: bigint, logEndOffset: bigint): void {
    if (this.held) return;
    this.held = true;
    if (startAt === undefined) return;
    this.current =
      startAt < logStartOffset ? logStartOffset : startAt > logEndOffset ? logEndOffset : startAt;
  }

  /** Moves it up to `offset`, at most `logEndOffset`, never down; returns whether it moved. */
  advance(offset: bigint, logEndOffset: bigint): boolean {
    const next = offset < logEndOffset ? offset : logEndOffset;
    if (next <= this.current) return false;
    this.current = next;
    return true;
  }

  /** The log was truncated to end at `logEndOffset` (and starts at `logStartOffset`). */
  truncated(logStartOffset: bigint, logEndOffset: bigint): void {
    if (this.current > logEndOffset || !this.held) this.current = logEndOffset;
    if (this.current < logStartOffset) this.current = logStartOffset;
  }
}
