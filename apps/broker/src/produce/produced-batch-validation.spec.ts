import {
  BatchLayout,
  CompressionType,
  crc32c,
  ErrorCode,
  encodeRecordBatch,
  type RecordBatchInput,
} from '@runnel/protocol';
import { ProduceError } from './produce-error.js';
import { validateProducedBatch } from './produced-batch-validation.js';

const MAX = 1024 * 1024;
const records = [
  { key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1 },
  { value: Buffer.from('v2'), timestamp: 2 },
];
const encode = (input: Partial<RecordBatchInput> = {}) => encodeRecordBatch({ records, ...input });

function codeOf(bytes: Buffer | null, version = 8, max = MAX): number {
  try {
    validateProducedBatch(bytes, version, max);
  } catch (err) {
    if (err instanceof ProduceError) return err.code;
    throw err;
  }
  return ErrorCode.NONE;
}

/** A copy of `batch` changed by `edit`, with its CRC computed again so that only the edit is wrong. */
function edited(batch: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  copy.writeUInt32BE(crc32c(copy.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return copy;
}

describe('validateProducedBatch', () => {
  it('returns the header of one sound batch', async () => {
    const header = validateProducedBatch(
      await encode({ producerId: 5n, producerEpoch: 0, baseSequence: 3 }),
      8,
      MAX,
    );
    expect(header).toMatchObject({ recordCount: 2, lastOffsetDelta: 1, producerId: 5n, baseSequence: 3 });
  });

  it('answers INVALID_RECORD when there is no whole batch, or more than one', async () => {
    const batch = await encode();
    expect(codeOf(null)).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(Buffer.alloc(0))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(batch.subarray(0, batch.length - 1))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(Buffer.concat([batch, batch]))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('answers UNSUPPORTED_FOR_MESSAGE_FORMAT for a legacy message set and CORRUPT_MESSAGE for an unknown magic', async () => {
    const batch = await encode();
    for (const magic of [0, 1]) {
      const legacy = Buffer.from(batch);
      legacy.writeInt8(magic, BatchLayout.MAGIC);
      expect(codeOf(legacy)).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    }
    const future = Buffer.from(batch);
    future.writeInt8(3, BatchLayout.MAGIC);
    expect(codeOf(future)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('answers CORRUPT_MESSAGE for a CRC that does not match or a batchLength below a header', async () => {
    const flipped = await encode();
    flipped[flipped.length - 1]! ^= 0xff;
    expect(codeOf(flipped)).toBe(ErrorCode.CORRUPT_MESSAGE);
    const short = await encode();
    short.writeInt32BE(10, BatchLayout.BATCH_LENGTH);
    expect(codeOf(short)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('answers MESSAGE_TOO_LARGE for a batch over max.message.bytes', async () => {
    const batch = await encode();
    expect(codeOf(batch, 8, batch.length)).toBe(ErrorCode.NONE);
    expect(codeOf(batch, 8, batch.length - 1)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('refuses zstd before Produce v7 and unknown codecs with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const zstd = await encode({ compression: CompressionType.Zstd });
    expect(codeOf(zstd, 7)).toBe(ErrorCode.NONE);
    expect(codeOf(zstd, 6)).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    const unknownCodec = edited(await encode(), (copy) => copy.writeInt16BE(5, BatchLayout.ATTRIBUTES));
    expect(codeOf(unknownCodec)).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('answers INVALID_RECORD for a base offset a broker would assign', async () => {
    expect(codeOf(await encode({ baseOffset: 7n }))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('answers INVALID_RECORD for control batches, inconsistent counts and idempotent batches without a sequence', async () => {
    expect(codeOf(await encode({ isControl: true }))).toBe(ErrorCode.INVALID_RECORD);
    const miscounted = edited(await encode(), (copy) => copy.writeInt32BE(3, BatchLayout.LAST_OFFSET_DELTA));
    expect(codeOf(miscounted)).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(await encode({ producerId: 5n, producerEpoch: 0, baseSequence: -1 }))).toBe(
      ErrorCode.INVALID_RECORD,
    );
  });

  it('refuses transactional batches with INVALID_TXN_STATE', async () => {
    const transactional = await encode({
      producerId: 5n,
      producerEpoch: 0,
      baseSequence: 0,
      transactional: true,
    });
    expect(codeOf(transactional)).toBe(ErrorCode.INVALID_TXN_STATE);
  });
});
