/**
 * What may be committed for one partition: the offset after the last record that handlers have
 * finished, never the fetch position (which runs ahead while fetched batches wait in the queue).
 *
 * Records are handed to handlers as ranges `[first, next)` in increasing order (a fetched batch;
 * `next` is one past its last record, so gaps left by compaction or control records are covered).
 * `finishThrough(offset, epoch)` says every handed-out record at or below `offset` is done, as
 * kafkajs's `resolveOffset`. Invariants:
 * - `position` only moves forward between resets, and never past what was handed out;
 * - `reset` (a seek, an offset reset) starts a new `epoch`: a `finishThrough` carrying an older
 *   epoch, from a batch handed out before the seek, changes nothing;
 * - `committable()` is the position when it differs from the last commit, so commits are sent
 *   only for progress, and `committed(offset)` records what a successful commit carried, which
 *   may be older than `position` by the time the broker answers.
 */
export class OffsetTracker {
  /**
   * The last finished offset (one below the position). Kept rather than the position so that
   * finishing a record, once per message on the hot path, compares bigints without allocating one.
   */
  private lastFinished: bigint;
  private handedOutEnd: bigint;
  private lastCommitted: bigint;
  private currentEpoch = 0;

  /** `position`: where consumption starts; `committed`: what the group holds (-1n: nothing). */
  constructor(position: bigint, committed = -1n) {
    this.lastFinished = position - 1n;
    this.handedOutEnd = position;
    this.lastCommitted = committed;
  }

  /** The next offset to commit: handlers finished every record before it. */
  get position(): bigint {
    return this.lastFinished + 1n;
  }

  /** Changes at every reset; batches carry the epoch they were handed out in. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** Records up to `next` (exclusive) were handed to a handler; returns the epoch to finish them with. */
  handOut(next: bigint): number {
    if (next > this.handedOutEnd) this.handedOutEnd = next;
    return this.currentEpoch;
  }

  /** Every record handed out in `epoch` at or below `offset` is done; returns whether the position moved. */
  finishThrough(offset: bigint, epoch: number): boolean {
    if (epoch !== this.currentEpoch || offset <= this.lastFinished) return false;
    const last = offset < this.handedOutEnd ? offset : this.handedOutEnd - 1n;
    if (last <= this.lastFinished) return false;
    this.lastFinished = last;
    return true;
  }

  /** The offset to commit when it changed since the last commit, else undefined. */
  committable(): bigint | undefined {
    const position = this.position;
    return position === this.lastCommitted ? undefined : position;
  }

  /** A commit of `offset` succeeded. */
  committed(offset: bigint): void {
    this.lastCommitted = offset;
  }

  /** Consumption restarts at `position` (seek, offset reset); what is outstanding becomes stale. */
  reset(position: bigint): void {
    this.lastFinished = position - 1n;
    this.handedOutEnd = position;
    this.currentEpoch++;
  }
}
