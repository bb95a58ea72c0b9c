import {
  closeFile,
  deleteFile,
  fileExists,
  fileSize,
  openFile,
  readAt,
  renameFile,
  syncFile,
  truncateFile,
  writeAt,
} from './storage-io.js';

const INITIAL_CAPACITY_ENTRIES = 64;
const INT32_MAX = 0x7fffffffn;

/**
 * What OffsetIndex and TimeIndex share (Kafka's AbstractIndex): fixed-size entries kept in memory
 * in a growable buffer, laid out exactly as in the file, and written to the file in bulk.
 *
 * An append only touches memory; `writeOut()` appends the entries added since the last call to
 * the file with one write, and is called when the segment is flushed, rolled or closed. So a file
 * can lack its newest entries after a crash. That is harmless, because both indexes are sparse
 * (fewer entries only mean a longer scan of the log), and the segments recovery scans are
 * re-indexed from the log anyway.
 *
 * Not safe for concurrent writers; the owning segment is the only one.
 */
export abstract class AbstractIndex {
  protected entries: Buffer;
  /** A view of `entries` for int64 fields: DataView's accessors are several times faster than Buffer's. */
  protected view: DataView;
  protected count = 0;
  /** Entries already in the file. */
  private written = 0;
  /** Bytes of a partial entry at the end of the loaded file: the index is corrupt if not 0. */
  protected partialEntryBytes = 0;
  /** Open while entries are being written; closed by `release()`. */
  private fd: number | undefined;

  protected constructor(
    public path: string,
    readonly baseOffset: bigint,
    /** Entries allowed before the segment must roll, from segmentIndexBytes. */
    readonly maxEntries: number,
    protected readonly entrySize: number,
  ) {
    this.entries = Buffer.alloc(INITIAL_CAPACITY_ENTRIES * entrySize);
    this.view = new DataView(this.entries.buffer, this.entries.byteOffset, this.entries.length);
  }

  private setEntries(entries: Buffer): void {
    this.entries = entries;
    this.view = new DataView(entries.buffer, entries.byteOffset, entries.length);
  }

  /** Reads the file's entries into memory; a missing file reads as empty. Returns false if the file is missing. */
  protected load(): boolean {
    if (!fileExists(this.path)) return false;
    const fd = openFile(this.path, false);
    try {
      const size = fileSize(fd, this.path);
      this.setEntries(Buffer.alloc(Math.max(size, INITIAL_CAPACITY_ENTRIES * this.entrySize)));
      readAt(fd, this.path, this.entries, 0, size, 0);
      this.count = Math.floor(size / this.entrySize);
      this.written = this.count;
      this.partialEntryBytes = size % this.entrySize;
    } finally {
      closeFile(fd, this.path);
    }
    return true;
  }

  get entryCount(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Offset relative to the base offset, or throws when it does not fit the int32 of an entry. */
  protected relative(offset: bigint): number {
    const relative = offset - this.baseOffset;
    if (relative < 0n || relative > INT32_MAX) {
      throw new RangeError(
        `offset ${offset} is not within int32 of base offset ${this.baseOffset} of ${this.path}`,
      );
    }
    return Number(relative);
  }

  /** Position in `entries` where a new entry goes, after growing the buffer if needed. */
  protected nextSlot(): number {
    const position = this.count * this.entrySize;
    if (position + this.entrySize > this.entries.length) {
      const grown = Buffer.alloc(this.entries.length * 2);
      this.entries.copy(grown, 0, 0, position);
      this.setEntries(grown);
    }
    this.count++;
    return position;
  }

  /**
   * Index of the last entry whose key is <= `target` (with `strict`, < `target`), or -1. Keys
   * increase strictly, so this is a binary search.
   */
  protected largestLowerBound(target: bigint, keyAt: (i: number) => bigint, strict: boolean): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = keyAt(mid);
      if (key < target || (!strict && key === target)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Forgets every entry and empties the file, before the index is rebuilt from the log. */
  reset(): void {
    this.count = 0;
    this.written = 0;
    this.partialEntryBytes = 0;
    truncateFile(this.openForWrite(), this.path, 0);
  }

  /** Keeps only the first `count` entries (the log was truncated), in memory and in the file. */
  protected keep(count: number): void {
    if (count >= this.count) return;
    this.count = count;
    if (this.written > count) {
      this.written = count;
      truncateFile(this.openForWrite(), this.path, count * this.entrySize);
    }
  }

  /** Appends the entries not yet in the file to it. */
  writeOut(): void {
    if (this.written === this.count) return;
    const from = this.written * this.entrySize;
    const length = (this.count - this.written) * this.entrySize;
    writeAt(this.openForWrite(), this.path, this.entries, from, length, from);
    this.written = this.count;
  }

  /** Writes out pending entries and fsyncs the file. */
  flush(): void {
    this.writeOut();
    if (this.fd !== undefined) syncFile(this.fd, this.path);
  }

  /** Closes the file (entries stay in memory for lookups). Call `writeOut` or `flush` first. */
  release(): void {
    if (this.fd === undefined) return;
    closeFile(this.fd, this.path);
    this.fd = undefined;
  }

  renameTo(path: string): void {
    renameFile(this.path, path);
    this.path = path;
  }

  deleteFile(): void {
    this.release();
    deleteFile(this.path);
  }

  private openForWrite(): number {
    this.fd ??= openFile(this.path, true);
    return this.fd;
  }
}
