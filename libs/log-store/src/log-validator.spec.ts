import {
  BatchLayout,
  CompressionType,
  crc32c,
  ErrorCode,
  encodeRecordBatch,
  type RecordBatchInput,
} from '@runnel/protocol';
import { InvalidBatchError } from './errors.js';
import { validateBatch } from './log-validator.js';

const MAX = 1024 * 1024;
const records = [
  { key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1 },
  { value: Buffer.from('v2'), timestamp: 2 },
];
const encode = (input: Partial<RecordBatchInput> = {}) => encodeRecordBatch({ records, ...input });

const CONFIG = { maxMessageBytes: MAX, segmentBytes: 1024 * MAX };

function codeOf(bytes: Buffer, options: { zstdAllowed?: boolean; maxMessageBytes?: number } = {}): number {
  const { maxMessageBytes = MAX, zstdAllowed } = options;
  try {
    validateBatch(
      '/logs/t-0',
      bytes,
      { ...CONFIG, maxMessageBytes },
      zstdAllowed === undefined ? {} : { zstdAllowed },
    );
  } catch (err) {
    if (err instanceof InvalidBatchError) return err.code;
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

describe('validateBatch', () => {
  it('returns the header fields of one sound batch', async () => {
    const bytes = await encode({ producerId: 5n, producerEpoch: 4, baseSequence: 3 });
    expect(validateBatch('/logs/t-0', bytes, CONFIG)).toEqual({
      bytes,
      sizeInBytes: bytes.length,
      attributes: 0,
      lastOffsetDelta: 1,
      recordCount: 2,
      maxTimestamp: 2n,
      producerId: 5n,
      producerEpoch: 4,
      baseSequence: 3,
    });
  });

  it('answers INVALID_RECORD when there is no whole batch, or more than one', async () => {
    const batch = await encode();
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
    expect(codeOf(batch, { maxMessageBytes: batch.length })).toBe(ErrorCode.NONE);
    expect(codeOf(batch, { maxMessageBytes: batch.length - 1 })).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('answers RECORD_LIST_TOO_LARGE for a batch no segment can hold', async () => {
    const batch = await encode();
    const config = { maxMessageBytes: MAX, segmentBytes: batch.length - 1 };
    expect(() => validateBatch('/logs/t-0', batch, config)).toThrow(
      expect.objectContaining({ code: ErrorCode.RECORD_LIST_TOO_LARGE }),
    );
  });

  it('refuses zstd before Produce v7 and unknown codecs with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const zstd = await encode({ compression: CompressionType.Zstd });
    expect(codeOf(zstd)).toBe(ErrorCode.NONE);
    expect(codeOf(zstd, { zstdAllowed: false })).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
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

  it('checks a coordinator batch for framing, CRC and sizes but not for the producer rules', async () => {
    const coordinator = { origin: 'coordinator' } as const;
    const withOffset = await encode({ baseOffset: 7n });
    expect(validateBatch('/logs/t-0', withOffset, CONFIG, coordinator).sizeInBytes).toBe(withOffset.length);
    const control = await encode({ isControl: true });
    expect(validateBatch('/logs/t-0', control, CONFIG, coordinator).recordCount).toBe(2);
    const flipped = await encode();
    flipped[flipped.length - 1]! ^= 0xff;
    expect(() => validateBatch('/logs/t-0', flipped, CONFIG, coordinator)).toThrow(
      /stored CRC 0x[0-9a-f]{8} does not match/,
    );
  });

  it('names the log, the code and the value in its message', async () => {
    expect(() => validateBatch('/logs/t-0', Buffer.alloc(5), CONFIG)).toThrow(
      'log /logs/t-0: INVALID_RECORD (87): records of 5 bytes hold no record batch (a batch needs at least 61)',
    );
  });
});
