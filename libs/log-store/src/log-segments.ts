import { DELETED_FILE_SUFFIX, SWAP_FILE_SUFFIX } from './log-file-names.js';
import type { LogSegment } from './log-segment.js';
import { syncDir } from './storage-io.js';

/**
 * The segments of one log, oldest first; the last is the active segment and there is always one
 * (Kafka's LogSegments). Base offsets increase strictly.
 *
 * Segments leaving the log (retention, compaction, truncation) have their files deleted at once but their
 * descriptors closed only when `whenIdle` resolves, i.e. once no fsync round still uses them.
 */
export class LogSegments {
  private list: LogSegment[];
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly dir: string,
    segments: LogSegment[],
    /** Resolves when no fsync round is running. */
    private readonly whenIdle: () => Promise<void>,
    /** Told about a deferred close that failed. */
    private readonly onCloseFailure: (error: unknown) => void,
  ) {
    this.list = segments;
  }

  get all(): readonly LogSegment[] {
    return this.list;
  }

  get active(): LogSegment {
    return this.list.at(-1)!;
  }

  /** Every segment but the active one. */
  get closed(): LogSegment[] {
    return this.list.slice(0, -1);
  }

  get count(): number {
    return this.list.length;
  }

  includes(segment: LogSegment): boolean {
    return this.list.includes(segment);
  }

  /** Index of the last segment whose base offset is <= `offset` (0 if none). */
  floorIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.list[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The segment holding `offset` and every later one. */
  from(offset: bigint): LogSegment[] {
    return this.list.slice(this.floorIndex(offset));
  }

  /** Adds a new active segment. */
  add(segment: LogSegment): void {
    this.list.push(segment);
  }

  /** Takes the `count` oldest segments out of the log and deletes them. */
  removeOldest(count: number): void {
    const removed = this.list.slice(0, count);
    this.list = this.list.slice(count);
    this.retire(removed);
  }

  /**
   * Takes the `count` newest segments out of the log and deletes them (a truncation, which has
   * renamed their files `.deleted` already); at least one segment must remain.
   */
  removeNewest(count: number): void {
    if (count <= 0) return;
    if (count >= this.list.length) throw new RangeError(`cannot remove all ${this.list.length} segments`);
    const removed = this.list.slice(-count);
    this.list = this.list.slice(0, -count);
    this.retire(removed);
  }

  /** Makes `segment` the only one (a truncation below the first segment) and deletes the others. */
  replaceAll(segment: LogSegment): void {
    const removed = this.list;
    this.list = [segment];
    this.retire(removed);
  }

  /**
   * Puts a cleaned segment (files suffixed `.cleaned`, fsynced) in place of `old`, crash-safely:
   * `.cleaned` -> `.swap` (the commit point: LogLoader completes a swap it finds), old segments
   * -> `.deleted`, `.swap` -> live name, then the old files are removed. Returns false, and
   * discards the cleaned segment, when `old` is no longer part of the log.
   */
  replace(old: readonly LogSegment[], cleaned: LogSegment): boolean {
    const at = this.list.indexOf(old[0]!);
    if (
      at < 0 ||
      at + old.length >= this.list.length ||
      old.some((segment, i) => this.list[at + i] !== segment)
    ) {
      cleaned.deleteFiles();
      cleaned.close();
      return false;
    }
    cleaned.renameTo(this.dir, SWAP_FILE_SUFFIX);
    syncDir(this.dir);
    for (const segment of old) segment.renameTo(this.dir, DELETED_FILE_SUFFIX);
    cleaned.renameTo(this.dir, '');
    syncDir(this.dir);
    cleaned.offsetIndex.release();
    cleaned.timeIndex.release();
    this.list.splice(at, old.length, cleaned);
    this.retire(old);
    return true;
  }

  private retire(segments: readonly LogSegment[]): void {
    for (const segment of segments) segment.deleteFiles();
    syncDir(this.dir);
    const closing = this.whenIdle()
      .then(() => {
        for (const segment of segments) segment.close();
      })
      .catch(this.onCloseFailure)
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  /** Resolves when the deferred closes are done. */
  async settled(): Promise<void> {
    await Promise.all(this.closing);
  }
}
