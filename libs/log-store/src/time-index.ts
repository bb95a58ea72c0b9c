import { AbstractIndex } from './abstract-index.js';

/** A timestamp and an offset: every record at or before `offset` has a timestamp <= `timestamp`. */
export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

const ENTRY_SIZE = 12;

/**
 * A segment's `.timeindex` file (Kafka's TimeIndex): a sparse map from timestamp to offset.
 *
 * Entry, 12 bytes, big-endian:
 *
 * | offset | size | field                                                           |
 * |-------:|-----:|-----------------------------------------------------------------|
 * |      0 |    8 | timestamp: the largest record timestamp in the segment so far    |
 * |      8 |    4 | relative offset of the last record of the batch that carried it |
 *
 * An entry is offered with every offset index entry, and once more when the segment stops being
 * active, and kept only when its timestamp is larger than the last entry's. So timestamps
 * increase strictly, offsets never decrease, and the last entry of a closed segment holds the
 * segment's largest timestamp, which retention reads.
 *
 * An entry (T, O) promises that no record at or before O has a timestamp above T; so the first
 * record with a timestamp >= t lies after the offset of the last entry whose timestamp is < t.
 *
 * One slot is kept free below `maxEntries` for the entry added when the segment is closed.
 * Crash behaviour is that of OffsetIndex: missing newest entries are harmless, damage is found by
 * `sanityCheck` and the index is rebuilt from the log.
 */
export class TimeIndex extends AbstractIndex {
  private constructor(path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(path, baseOffset, Math.floor(maxIndexBytes / ENTRY_SIZE), ENTRY_SIZE);
  }

  static create(path: string, baseOffset: bigint, maxIndexBytes: number): TimeIndex {
    return new TimeIndex(path, baseOffset, maxIndexBytes);
  }

  /** The index in `path`, or undefined when the file does not exist. */
  static open(path: string, baseOffset: bigint, maxIndexBytes: number): TimeIndex | undefined {
    const index = new TimeIndex(path, baseOffset, maxIndexBytes);
    if (!index.load()) return undefined;
    index.lastTimestamp = index.lastEntry()?.timestamp;
    return index;
  }

  /** Timestamp of the last entry, kept apart because every indexed append compares with it. */
  private lastTimestamp: bigint | undefined;

  override reset(): void {
    super.reset();
    this.lastTimestamp = undefined;
  }

  override get isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  private timestampAt(i: number): bigint {
    return this.view.getBigInt64(i * ENTRY_SIZE);
  }

  private offsetAt(i: number): bigint {
    return this.baseOffset + BigInt(this.entries.readInt32BE(i * ENTRY_SIZE + 8));
  }

  /** The last entry, or undefined for an empty index. */
  lastEntry(): TimestampOffset | undefined {
    if (this.count === 0) return undefined;
    return { timestamp: this.timestampAt(this.count - 1), offset: this.offsetAt(this.count - 1) };
  }

  /** The log now ends at `logEndOffset`: the entries of offsets at or past it go. */
  truncateTo(logEndOffset: bigint): void {
    this.keep(this.largestLowerBound(logEndOffset, (k) => this.offsetAt(k), true) + 1);
    this.lastTimestamp = this.lastEntry()?.timestamp;
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    if (this.lastTimestamp !== undefined && timestamp <= this.lastTimestamp) return;
    const last = this.count - 1;
    if (last >= 0 && this.relative(offset) < this.entries.readInt32BE(last * ENTRY_SIZE + 8)) {
      throw new RangeError(
        `time index entry (${timestamp}, ${offset}) goes back from offset ${this.offsetAt(last)} in ${this.path}`,
      );
    }
    const relative = this.relative(offset);
    const slot = this.nextSlot();
    this.view.setBigInt64(slot, timestamp);
    this.entries.writeInt32BE(relative, slot + 8);
    this.lastTimestamp = timestamp;
  }

  /**
   * The offset of the last entry whose timestamp is < `timestamp`, or undefined when there is
   * none: the first record with a timestamp >= `timestamp` comes after that offset.
   */
  offsetBefore(timestamp: bigint): bigint | undefined {
    const i = this.largestLowerBound(timestamp, (k) => this.timestampAt(k), true);
    return i < 0 ? undefined : this.offsetAt(i);
  }

  /** What is wrong with the loaded file, or undefined if it looks sound. */
  sanityCheck(): string | undefined {
    if (this.partialEntryBytes !== 0)
      return `${this.path} ends with a partial entry of ${this.partialEntryBytes} bytes`;
    for (let i = 0; i < this.count; i++) {
      const relative = this.entries.readInt32BE(i * ENTRY_SIZE + 8);
      if (relative < 0) return `${this.path} entry ${i} has negative relative offset ${relative}`;
      if (
        i > 0 &&
        (this.timestampAt(i) <= this.timestampAt(i - 1) || this.offsetAt(i) < this.offsetAt(i - 1))
      ) {
        return `${this.path} entry ${i} (${this.timestampAt(i)}, ${this.offsetAt(i)}) does not follow the one before`;
      }
    }
    return undefined;
  }
}
