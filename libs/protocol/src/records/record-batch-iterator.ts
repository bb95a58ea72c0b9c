import { ProtocolError } from '../errors/protocol-error.js';
import {
  BATCH_HEADER_SIZE,
  type BatchHeader,
  BatchLayout,
  checkMagic,
  HEADER_SIZE_UP_TO_MAGIC,
  LOG_OVERHEAD,
  readCompleteBatchHeader,
} from './batch-header.js';
import { verifyBatch } from './batch-validation.js';
import { type DecodeOptions, decodeRecordBatch, type RecordBatch } from './record-batch.js';

/** One whole batch found in a buffer, not yet decoded. */
export interface RawRecordBatch {
  header: BatchHeader;
  /** Where the batch starts in the iterated buffer. */
  position: number;
  /** The batch's `sizeInBytes` bytes, a view into the iterated buffer. */
  bytes: Buffer;
}

export interface BatchIteratorOptions {
  /** Check each batch's CRC before yielding it (default true). */
  verifyCrc?: boolean;
}

/**
 * Walks record batches laid end to end: the records of a fetch response, or a slice of a segment
 * file. Iteration ends cleanly at the end of the buffer or at a partial trailing batch (a fetch
 * response may end with one, cut at the fetch's byte limit; a torn write leaves one in a log),
 * and `bytesConsumed` then says where the whole batches end.
 *
 * A batch that is whole but invalid (legacy magic, a batchLength below the header size, a CRC
 * mismatch) throws a ProtocolError; `bytesConsumed` still points at its start, which is where a
 * log recovering from a crash truncates.
 */
export class RecordBatchIterator implements IterableIterator<RawRecordBatch> {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly options: BatchIteratorOptions = {},
  ) {}

  /** Bytes of the whole batches yielded so far. */
  get bytesConsumed(): number {
    return this.pos;
  }

  next(): IteratorResult<RawRecordBatch, undefined> {
    const { buf, pos } = this;
    const remaining = buf.length - pos;
    if (remaining < LOG_OVERHEAD) return { done: true, value: undefined };
    if (remaining >= HEADER_SIZE_UP_TO_MAGIC) checkMagic(buf, pos);
    const batchLength = buf.readInt32BE(pos + BatchLayout.BATCH_LENGTH);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
      throw new ProtocolError(
        `batchLength ${batchLength} at offset ${pos} is smaller than the minimum of ${BATCH_HEADER_SIZE - LOG_OVERHEAD}`,
        'RecordBatch.batchLength',
      );
    }
    const sizeInBytes = batchLength + LOG_OVERHEAD;
    if (remaining < sizeInBytes) return { done: true, value: undefined };
    const header =
      this.options.verifyCrc === false ? readCompleteBatchHeader(buf, pos) : verifyBatch(buf, pos);
    this.pos = pos + sizeInBytes;
    return { done: false, value: { header, position: pos, bytes: buf.subarray(pos, this.pos) } };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * Decodes every whole batch in `buf` (see {@link RecordBatchIterator}); `bytesConsumed` is where
 * the whole batches end, short of `buf.length` when a partial batch trails.
 */
export async function decodeRecordBatches(
  buf: Buffer,
  options: DecodeOptions = {},
): Promise<{ batches: RecordBatch[]; bytesConsumed: number }> {
  const iterator = new RecordBatchIterator(buf, options);
  const batches: RecordBatch[] = [];
  for (const raw of iterator) {
    batches.push(await decodeRecordBatch(raw.bytes, 0, { ...options, verifyCrc: false }));
  }
  return { batches, bytesConsumed: iterator.bytesConsumed };
}
