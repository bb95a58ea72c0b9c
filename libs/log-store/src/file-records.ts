import {
  closeFile,
  deleteFile,
  fileSize,
  openFile,
  readAt,
  readAtAsync,
  renameFile,
  syncFile,
  syncFileAsync,
  truncateFile,
  writeAt,
} from './storage-io.js';

/**
 * A segment's `.log` file (Kafka's FileRecords): record batches back to back, each exactly as it
 * travels on the wire (RecordBatch v2: baseOffset int64, batchLength int32, then batchLength
 * bytes), with no padding or framing of our own.
 *
 * Invariants: batches are only ever appended at `size`; bytes below `size` never change while the
 * file is open, except by `truncateTo` during recovery. `size` counts only bytes of appends that
 * completed, so a reader bounded by it never sees part of a batch.
 *
 * After a crash the file may end in a torn batch, zeros or garbage; LogSegment.recover finds the
 * end of the last valid batch and truncates there.
 *
 * Asynchronous reads (`readAsync`, for fetches) may still be running when the segment leaves the
 * log (retention, compaction, close): the descriptor is closed only once the last read that
 * `retain`ed it has finished, so a read never lands on a descriptor number reused by another file
 * (Kafka defers the deletion itself by `file.delete.delay.ms` for the same reason).
 */
export class FileRecords {
  /** Asynchronous reads in progress; `close` waits for them. */
  private readers = 0;
  private closeRequested = false;

  private constructor(
    public path: string,
    private readonly fd: number,
    private bytes: number,
  ) {}

  /** Opens `path`, creating an empty file if `create` and it does not exist. */
  static open(path: string, create: boolean): FileRecords {
    const fd = openFile(path, create);
    return new FileRecords(path, fd, fileSize(fd, path));
  }

  /** Bytes of complete batches. */
  get size(): number {
    return this.bytes;
  }

  /** Writes `buf[0, length)` at the end; returns the position it was written at. */
  append(buf: Buffer, length = buf.length): number {
    const position = this.bytes;
    writeAt(this.fd, this.path, buf, 0, length, position);
    this.bytes = position + length;
    return position;
  }

  /** Reads up to `length` bytes at `position` into `buf` at `offset`; returns how many were read. */
  readInto(buf: Buffer, offset: number, length: number, position: number): number {
    return readAt(this.fd, this.path, buf, offset, length, position);
  }

  /** `length` bytes at `position` (fewer if the file ends first). */
  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const n = this.readInto(buf, 0, length, position);
    return n === length ? buf : buf.subarray(0, n);
  }

  /**
   * `length` bytes at `position` (fewer if the file ends first), read on libuv's thread pool into
   * a buffer of exactly that size.
   */
  async readAsync(position: number, length: number): Promise<Buffer> {
    this.retain();
    try {
      const buf = Buffer.allocUnsafe(length);
      const n = await readAtAsync(this.fd, this.path, buf, 0, length, position);
      return n === length ? buf : buf.subarray(0, n);
    } finally {
      this.release();
    }
  }

  /** Keeps the descriptor open until the matching `release`, whatever `close` is called meanwhile. */
  retain(): void {
    if (this.closeRequested) throw new Error(`${this.path} is closed`);
    this.readers++;
  }

  release(): void {
    this.readers--;
    if (this.readers === 0 && this.closeRequested) closeFile(this.fd, this.path);
  }

  /** Cuts the file to `size` bytes. */
  truncateTo(size: number): void {
    truncateFile(this.fd, this.path, size);
    this.bytes = size;
  }

  sync(): void {
    syncFile(this.fd, this.path);
  }

  syncAsync(): Promise<void> {
    return syncFileAsync(this.fd, this.path);
  }

  /** Closes the descriptor now, or once the asynchronous reads still running have finished. */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.readers === 0) closeFile(this.fd, this.path);
  }

  renameTo(path: string): void {
    renameFile(this.path, path);
    this.path = path;
  }

  /** Removes the file; the descriptor stays usable until `close`. */
  deleteFile(): void {
    deleteFile(this.path);
  }
}
