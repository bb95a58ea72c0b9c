import {
  BATCH_HEADER_SIZE,
  type BatchHeader,
  ProtocolError,
  readBatchHeader,
  verifyBatch,
} from '@runnel/protocol';
import type { FileRecords } from './file-records.js';

/** A batch found by a scan. */
export interface ScannedBatch {
  /** Where the batch starts in the file. */
  position: number;
  header: BatchHeader;
  /**
   * When scanning whole batches, the batch's bytes are `buffer[start, start + header.sizeInBytes)`;
   * otherwise at least its header is. The buffer is reused: the bytes are valid until `next()`.
   */
  buffer: Buffer;
  start: number;
}

export interface ScanMode {
  /** Read every batch whole and check its CRC (recovery, cleaning), or read headers only. */
  verify: boolean;
  /** Bytes read per system call when they fit (larger batches get a read of their own). */
  chunkSize: number;
}

/** For finding offsets: a few small batches per read, and little wasted on large ones. */
export const HEADER_SCAN: ScanMode = { verify: false, chunkSize: 8 * 1024 };
/** For recovery and cleaning: large sequential reads and a CRC check of every batch. */
export const VERIFYING_SCAN: ScanMode = { verify: true, chunkSize: 8 * 1024 * 1024 };

/**
 * Walks the batches of a `.log` file from `position` up to `end`, reading the file in chunks.
 *
 * It stops at `end`, or before the first position where no sound batch starts; then `invalid`
 * says why (a header that is not RecordBatch v2, a batch running past `end`, a CRC mismatch).
 * Offsets are not checked here: their order is the caller's business.
 */
export class BatchScanner {
  /** Why the scan stopped before `end`, if it did. */
  invalid: string | undefined;
  private buffer: Buffer;
  /** File position of buffer[0], and how many bytes of the buffer hold file content. */
  private bufferStart = 0;
  private bufferLength = 0;

  constructor(
    private readonly records: FileRecords,
    /** Where the next batch starts. */
    public position: number,
    private readonly end: number,
    private readonly mode: ScanMode,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(mode.chunkSize, Math.max(end - position, BATCH_HEADER_SIZE)));
  }

  next(): ScannedBatch | undefined {
    if (this.invalid !== undefined || this.position >= this.end) return undefined;
    const position = this.position;
    const remaining = this.end - position;
    if (remaining < BATCH_HEADER_SIZE) {
      return this.stop(
        `${remaining} bytes at position ${position} of ${this.records.path} are less than a batch header`,
      );
    }
    if (!this.ensure(position, BATCH_HEADER_SIZE)) return undefined;
    let header: BatchHeader;
    try {
      header = readBatchHeader(this.buffer, position - this.bufferStart);
    } catch (error) {
      if (error instanceof ProtocolError)
        return this.stop(`batch at position ${position} of ${this.records.path}: ${error.message}`);
      throw error;
    }
    if (header.sizeInBytes > remaining) {
      return this.stop(
        `batch at position ${position} of ${this.records.path} is ${header.sizeInBytes} bytes but only ${remaining} remain`,
      );
    }
    if (this.mode.verify) {
      if (!this.ensure(position, header.sizeInBytes)) return undefined;
      try {
        verifyBatch(this.buffer, position - this.bufferStart);
      } catch (error) {
        if (error instanceof ProtocolError)
          return this.stop(`batch at position ${position} of ${this.records.path}: ${error.message}`);
        throw error;
      }
    }
    this.position = position + header.sizeInBytes;
    return { position, header, buffer: this.buffer, start: position - this.bufferStart };
  }

  private stop(reason: string): undefined {
    this.invalid = reason;
    return undefined;
  }

  /** Makes file bytes [position, position + need) available in the buffer. */
  private ensure(position: number, need: number): boolean {
    if (position >= this.bufferStart && position + need <= this.bufferStart + this.bufferLength) return true;
    const length = Math.min(this.end - position, Math.max(need, this.mode.chunkSize));
    if (this.buffer.length < length) this.buffer = Buffer.allocUnsafe(length);
    this.bufferStart = position;
    this.bufferLength = this.records.readInto(this.buffer, 0, length, position);
    if (this.bufferLength >= need) return true;
    this.stop(
      `${this.records.path} ends at position ${position + this.bufferLength}, before the expected ${position + need}`,
    );
    return false;
  }
}
