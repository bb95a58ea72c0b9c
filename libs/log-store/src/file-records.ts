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
  writevAt,
} from './storage-io.js';

/** Queued bytes that are written at once, without waiting for the end of the turn: 1 MiB. */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * How far below the end of the file a read still counts as the hot tail (see readAsync): 8 MiB,
 * about a second of a busy partition's appends, far less than any page cache.
 */
export const HOT_TAIL_BYTES = 8 * 1024 * 1024;

/**
 * A segment's `.log` file (Kafka's FileRecords): record batches back to back, each exactly as it
 * travels on the wire (RecordBatch v2: baseOffset int64, batchLength int32, then batchLength
 * bytes), with no padding or framing of our own.
 *
 * Invariants: batches are only ever appended at `size`; bytes below `size` never change while the
 * file is open, except by `truncateTo` during recovery. `size` counts only whole batches, so a
 * reader bounded by it never sees part of a batch.
 *
 * Coalesced writes: `append` only queues the batch (a reference, no copy) and counts it in
 * `size`, up to MAX_PENDING_BYTES queued; `writePending` writes every queued batch with one
 * positioned writev. The owner (PartitionLog) calls it once per event-loop turn, so the batches
 * appended to a log in one turn cost one system call. Every read, truncation and fsync writes what is pending first, so readers
 * always see every appended batch and an fsync covers every append made before it. Until written,
 * an appended batch is in memory only: a crash loses it, which is why a producer is answered only
 * after `writePending` (acks=1) or the fsync (acks=-1). A queued buffer must not change until
 * written.
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

  /** Appended batches not yet written, in order; they end at `bytes`. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Bytes the file had when opened: everything after them this process wrote itself. */
  private readonly openedSize: number;

  private constructor(
    public path: string,
    private readonly fd: number,
    private bytes: number,
  ) {
    this.openedSize = bytes;
  }

  /** Opens `path`, creating an empty file if `create` and it does not exist. */
  static open(path: string, create: boolean): FileRecords {
    const fd = openFile(path, create);
    return new FileRecords(path, fd, fileSize(fd, path));
  }

  /** Bytes of complete batches, those still pending included. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Queues `buf[0, length)` for the end of the file (see writePending); returns its position.
   * Once MAX_PENDING_BYTES are queued they are written at once: past that one more system call
   * costs little next to the bytes, and a writev of 1 MiB buffers measured slower than separate
   * writes.
   */
  append(buf: Buffer, length = buf.length): number {
    const position = this.bytes;
    this.pending.push(length === buf.length ? buf : buf.subarray(0, length));
    this.pendingBytes += length;
    this.bytes = position + length;
    if (this.pendingBytes >= MAX_PENDING_BYTES) this.writePending();
    return position;
  }

  /**
   * Writes every pending batch, in one writev at the position where they start. On failure
   * (KafkaStorageError) they stay pending, and the owner takes the log offline.
   */
  writePending(): void {
    if (this.pendingBytes === 0) return;
    writevAt(this.fd, this.path, this.pending, this.pendingBytes, this.bytes - this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * Writes what is pending if `buf` itself is among it: a caller about to change a buffer it
   * appended before (PartitionLog patches the base offset of a batch appended again) calls this
   * first, so the earlier append is written as it was.
   */
  writeIfQueued(buf: Buffer): void {
    // A scan of this turn's few pending batches, newest first, not a Set: a Buffer used as a key
    // takes an identity hash, which made every Buffer on the request path slower to handle and
    // tripled the broker's CPU per MB (apps/broker/bench/request-path.bench.mjs).
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const queued = this.pending[i]!;
      if (queued.buffer === buf.buffer && queued.byteOffset === buf.byteOffset) {
        this.writePending();
        return;
      }
    }
  }

  /** Reads up to `length` bytes at `position` into `buf` at `offset`; returns how many were read. */
  readInto(buf: Buffer, offset: number, length: number, position: number): number {
    this.writePending();
    return readAt(this.fd, this.path, buf, offset, length, position);
  }

  /** `length` bytes at `position` (fewer if the file ends first). */
  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const n = this.readInto(buf, 0, length, position);
    return n === length ? buf : buf.subarray(0, n);
  }

  /**
   * `length` bytes at `position` (fewer if the file ends first), into a buffer of exactly that
   * size: on libuv's thread pool, unless the bytes lie in the hot tail.
   *
   * The hot tail is what this process wrote since it opened the file and within HOT_TAIL_BYTES of
   * its end: bytes written moments ago through the page cache, which a read copies from memory in
   * microseconds (only memory pressure evicting them that fast would make it wait for the disk).
   * Those are read at once, on the event loop. A
   * consumer at the log's end (a long poll woken by an append) then gets its answer in the same
   * turn, instead of queueing on the pool's few threads behind the fsyncs of acks=-1 producers and
   * the reads of lagging consumers (measured in BENCHMARKS.md, "Broker request path"). A read of
   * older bytes, which may miss the page cache, stays on the pool, so it stalls no other request.
   */
  async readAsync(position: number, length: number): Promise<Buffer> {
    if (position >= this.openedSize && position >= this.bytes - HOT_TAIL_BYTES) {
      // Retained as an asynchronous read is, so a segment closed meanwhile fails the same way.
      this.retain();
      try {
        return this.read(position, length);
      } finally {
        this.release();
      }
    }
    this.writePending();
    this.retain();
    try {
      const buf = Buffer.allocUnsafe(length);
      const n = await readAtAsync(this.fd, this.path, buf, 0, length, position);
      return n === length ? buf : buf.subarray(0, n);
    } finally {
      this.release();
    }
  }

  /**
   * Keeps the descriptor open until the matching `release`, whatever `close` is called meanwhile.
   * Once the descriptor is closed (close requested and no reader left) it cannot be retained.
   */
  retain(): void {
    if (this.closeRequested && this.readers === 0) throw new Error(`${this.path} is closed`);
    this.readers++;
  }

  release(): void {
    this.readers--;
    if (this.readers === 0 && this.closeRequested) closeFile(this.fd, this.path);
  }

  /** Cuts the file to `size` bytes. */
  truncateTo(size: number): void {
    this.writePending();
    truncateFile(this.fd, this.path, size);
    this.bytes = size;
  }

  /** Writes what is pending, then fsyncs. */
  sync(): void {
    this.writePending();
    syncFile(this.fd, this.path);
  }

  /** Writes what is pending, then fsyncs on libuv's thread pool. */
  syncAsync(): Promise<void> {
    this.writePending();
    return syncFileAsync(this.fd, this.path);
  }

  /**
   * Writes what is pending, then closes the descriptor now, or once the asynchronous reads still
   * running have finished.
   */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    try {
      this.writePending();
    } finally {
      if (this.readers === 0) closeFile(this.fd, this.path);
    }
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
