/**
 * The commit point of one partition while its records finish out of order.
 *
 * Records are `track`ed in increasing offset order as they are handed to handlers, and
 * `complete`d in any order. `complete` answers the highest offset at or below which every tracked
 * record has completed, when that point moved, so the caller resolves (and later commits) exactly
 * that far: a record whose handler has not finished is never passed, whatever finished after it.
 *
 * Offsets need not be contiguous (compaction, transaction markers): only tracked offsets count.
 * Cost: O(1) amortized per record.
 */
export class ContiguousOffsetTracker {
  /** Tracked offsets not yet passed by the commit point, in increasing order. */
  private readonly pending: bigint[] = [];
  private head = 0;
  private readonly done = new Set<bigint>();
  private through: bigint | undefined;

  /** The highest offset below which (and at which) every tracked record completed; undefined before any. */
  get completedThrough(): bigint | undefined {
    return this.through;
  }

  track(offset: bigint): void {
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && offset <= last) {
      throw new RangeError(
        `offset ${offset} tracked after ${last}: offsets must be tracked in increasing order`,
      );
    }
    this.pending.push(offset);
  }

  /** Marks `offset` done; returns the new commit point when it moved, else undefined. */
  complete(offset: bigint): bigint | undefined {
    if (this.pending[this.head] === undefined || offset < this.pending[this.head]!) return undefined;
    this.done.add(offset);
    let moved: bigint | undefined;
    while (this.head < this.pending.length && this.done.has(this.pending[this.head]!)) {
      moved = this.pending[this.head]!;
      this.done.delete(moved);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (moved !== undefined) this.through = moved;
    return moved;
  }
}
