import fc from 'fast-check';
import { CompressionType } from '../compression/compression-type.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { BATCH_HEADER_SIZE, BatchLayout } from './batch-header.js';
import { verifyBatch } from './batch-validation.js';
import { crc32c } from './crc32c.js';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js';
import { RecordBatchIterator } from './record-batch-iterator.js';

/**
 * Decoders meet hostile bytes: whatever the input, they return or throw a ProtocolError, never a
 * RangeError, a TypeError or a hang.
 */
async function onlyProtocolErrors(action: () => unknown): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
  }
}

const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const;

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b))),
  value: fc.option(fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b))),
  headers: fc.array(
    fc.record({
      key: fc.string({ maxLength: 8 }),
      value: fc.option(fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b))),
    }),
    { maxLength: 3 },
  ),
  timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
});

const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 8 }),
  compression: fc.constantFrom(...CODECS),
});

/** A batch with a correct CRC around arbitrary records bytes, count and attributes. */
function sealedBatch(records: Uint8Array, recordCount: number, attributes: number): Buffer {
  const buf = Buffer.alloc(BATCH_HEADER_SIZE + records.length);
  buf.writeInt32BE(buf.length - 12, BatchLayout.BATCH_LENGTH);
  buf[BatchLayout.MAGIC] = 2;
  buf.writeInt16BE(attributes, BatchLayout.ATTRIBUTES);
  buf.writeInt32BE(recordCount, BatchLayout.RECORD_COUNT);
  buf.set(records, BatchLayout.RECORDS);
  buf.writeUInt32BE(crc32c(buf.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return buf;
}

describe('record batch decoding of hostile input', () => {
  it('round-trips arbitrary records with every codec', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ records, compression }) => {
        const batch = await decodeRecordBatch(await encodeRecordBatch({ records, compression }));
        expect(batch.records).toEqual(
          records.map((r, i) => ({ ...r, timestamp: BigInt(r.timestamp), offset: BigInt(i) })),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('throws only ProtocolErrors on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const buf = Buffer.from(bytes);
        await onlyProtocolErrors(() => decodeRecordBatch(buf, 0, { verifyCrc: false }));
        await onlyProtocolErrors(() => verifyBatch(buf));
        await onlyProtocolErrors(() => [...new RecordBatchIterator(buf)]);
      }),
      { numRuns: 500 },
    );
  });

  it('throws only ProtocolErrors on random records sections under a valid CRC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 120 }),
        fc.integer({ min: -2, max: 20 }),
        fc.integer({ min: 0, max: 0x7f }),
        async (records, count, attributes) => {
          await onlyProtocolErrors(() => decodeRecordBatch(sealedBatch(records, count, attributes)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws only ProtocolErrors on truncated batches of every codec', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.double({ min: 0, max: 1, noNaN: true }), async (input, fraction) => {
        const bytes = await encodeRecordBatch(input);
        const cut = bytes.subarray(0, Math.floor((bytes.length - 1) * fraction));
        await expect(decodeRecordBatch(cut)).rejects.toBeInstanceOf(ProtocolError);
        expect(() => verifyBatch(cut)).toThrow(ProtocolError);
        expect([...new RecordBatchIterator(cut)]).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('detects, by verifyBatch, a flipped bit anywhere but baseOffset and partitionLeaderEpoch', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.nat(), fc.nat(7), async (input, at, bit) => {
        const bytes = await encodeRecordBatch(input);
        const checked = [...Array(bytes.length).keys()].filter((i) => (i >= 8 && i < 12) || i >= 16);
        const index = checked[at % checked.length]!;
        bytes[index]! ^= 1 << bit;
        expect(() => verifyBatch(bytes)).toThrow(ProtocolError);
      }),
      { numRuns: 300 },
    );
  });

  it('throws only ProtocolErrors decoding bit-flipped batches of every codec without the CRC check', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.nat(), fc.nat(7), async (input, at, bit) => {
        const bytes = await encodeRecordBatch(input);
        bytes[at % bytes.length]! ^= 1 << bit;
        await onlyProtocolErrors(() => decodeRecordBatch(bytes, 0, { verifyCrc: false }));
      }),
      { numRuns: 500 },
    );
  });
});
