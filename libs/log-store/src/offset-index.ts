import { AbstractIndex } from './abstract-index.js';

/** An offset and the byte position in the `.log` of the batch that holds it. */
export interface OffsetPosition {
  offset: bigint;
  position: number;
}

const ENTRY_SIZE = 8;

/**
 * A segment's `.index` file (Kafka's OffsetIndex): a sparse map from offset to the byte position
 * of a batch in the segment's `.log`.
 *
 * Entry, 8 bytes, big-endian:
 *
 * | offset | size | field                                                    |
 * |-------:|-----:|----------------------------------------------------------|
 * |      0 |    4 | relative offset: the batch's last offset - base offset    |
 * |      4 |    4 | position of the batch in the `.log`                      |
 *
 * One entry is added for the first batch appended after more than `indexIntervalBytes` of log
 * since the previous entry; the first batch of a segment (position 0) needs none. Both fields
 * increase strictly from one entry to the next, and every position is that of a batch start
 * smaller than the log's size.
 *
 * `lookup(t)` returns the last entry whose offset is <= t. Since an entry's offset is the *last*
 * offset of its batch, the batch holding t starts at or after the returned position, and scanning
 * batch headers from there finds it.
 *
 * After a crash the file may lack its newest entries (see AbstractIndex) or be damaged; `open`
 * reports damage through `sanityCheck`, and the segment then rebuilds the index from its log.
 */
export class OffsetIndex extends AbstractIndex {
  private constructor(path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(path, baseOffset, Math.floor(maxIndexBytes / ENTRY_SIZE), ENTRY_SIZE);
  }

  /** An empty index whose file is created on the first write. */
  static create(path: string, baseOffset: bigint, maxIndexBytes: number): OffsetIndex {
    return new OffsetIndex(path, baseOffset, maxIndexBytes);
  }

  /** The index in `path`, or undefined when the file does not exist. */
  static open(path: string, baseOffset: bigint, maxIndexBytes: number): OffsetIndex | undefined {
    const index = new OffsetIndex(path, baseOffset, maxIndexBytes);
    return index.load() ? index : undefined;
  }

  private relativeOffsetAt(i: number): number {
    return this.entries.readInt32BE(i * ENTRY_SIZE);
  }

  private positionAt(i: number): number {
    return this.entries.readInt32BE(i * ENTRY_SIZE + 4);
  }

  /** Adds an entry for the batch at `position` whose last offset is `offset`. */
  append(offset: bigint, position: number): void {
    const relative = this.relative(offset);
    const last = this.count - 1;
    if (last >= 0 && (relative <= this.relativeOffsetAt(last) || position <= this.positionAt(last))) {
      throw new RangeError(
        `index entry (${offset}, ${position}) does not follow (${this.baseOffset + BigInt(this.relativeOffsetAt(last))}, ${this.positionAt(last)}) in ${this.path}`,
      );
    }
    const slot = this.nextSlot();
    this.entries.writeInt32BE(relative, slot);
    this.entries.writeInt32BE(position, slot + 4);
  }

  /** The last entry whose offset is <= `target`, or (baseOffset, 0) when there is none. */
  lookup(target: bigint): OffsetPosition {
    const i = this.largestLowerBound(
      target,
      (k) => this.baseOffset + BigInt(this.relativeOffsetAt(k)),
      false,
    );
    if (i < 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + BigInt(this.relativeOffsetAt(i)), position: this.positionAt(i) };
  }

  /** The log now ends at `logEndOffset`: the entries of batches ending at or past it go. */
  truncateTo(logEndOffset: bigint): void {
    const keep = this.largestLowerBound(
      logEndOffset,
      (k) => this.baseOffset + BigInt(this.relativeOffsetAt(k)),
      true,
    );
    this.keep(keep + 1);
  }

  /** The last entry, or (baseOffset, 0) for an empty index. */
  lastEntry(): OffsetPosition {
    if (this.count === 0) return { offset: this.baseOffset, position: 0 };
    const last = this.count - 1;
    return { offset: this.baseOffset + BigInt(this.relativeOffsetAt(last)), position: this.positionAt(last) };
  }

  /** What is wrong with the loaded file for a log of `logSize` bytes, or undefined if it looks sound. */
  sanityCheck(logSize: number): string | undefined {
    if (this.partialEntryBytes !== 0)
      return `${this.path} ends with a partial entry of ${this.partialEntryBytes} bytes`;
    for (let i = 0; i < this.count; i++) {
      const relative = this.relativeOffsetAt(i);
      const position = this.positionAt(i);
      if (relative < 0 || position < 0 || position >= logSize) {
        return `${this.path} entry ${i} (${relative}, ${position}) lies outside the log of ${logSize} bytes`;
      }
      if (i > 0 && (relative <= this.relativeOffsetAt(i - 1) || position <= this.positionAt(i - 1))) {
        return `${this.path} entry ${i} (${relative}, ${position}) does not increase on the one before`;
      }
    }
    return undefined;
  }
}
