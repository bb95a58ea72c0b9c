import fc from 'fast-check';
import { CompressionType } from '../compression/compression-type.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { BATCH_HEADER_SIZE } from './batch-header.js';
import { verifyBatch } from './batch-validation.js';
import type { RecordInput } from './record.js';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js';
import { RecordBatchBuilder, sizeOfRecordPayload } from './record-batch-builder.js';

const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const recordArb = fc.record({
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: fc.option(bytes, { nil: null }) }),
    { maxLength: 3 },
  ),
  // Around a fixed base, negative deltas included, and far enough to need 5+ byte varlongs; and
  // anywhere in ±2^51 ms (negative timestamps too), for the int64 header fields' two halves.
  timestamp: fc.oneof(
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((d) => 1_700_000_000_000 + d),
    fc.integer({ min: -(2 ** 51), max: 2 ** 51 }),
  ),
});
const sealArb = fc.record({
  producerId: fc.option(fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }), { nil: undefined }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
});

function built(
  records: readonly RecordInput[],
  capacity: number,
  compression: CompressionType,
): RecordBatchBuilder {
  const builder = new RecordBatchBuilder(capacity, compression);
  for (const r of records) {
    if (!builder.append(r.key ?? null, r.value, r.headers, Number(r.timestamp))) {
      throw new Error('record refused by a builder with room');
    }
  }
  return builder;
}

describe('RecordBatchBuilder', () => {
  it.each([
    ['none', CompressionType.None],
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ])(
    'writes the same bytes as encodeRecordBatch for any records and header fields (%s)',
    async (_, compression) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 1, maxLength: 20 }),
          sealArb,
          async (records, seal) => {
            const expected = await encodeRecordBatch({ records, compression, ...seal });
            const builder = built(records, 1 << 20, compression);
            const actual =
              compression === CompressionType.Zstd ? await builder.buildAsync(seal) : builder.build(seal);
            expect(actual.equals(expected)).toBe(true);
            expect(builder.recordCount).toBe(records.length);
          },
        ),
        { numRuns: compression === CompressionType.None ? 300 : 60 },
      );
    },
  );

  it('writes strings as their UTF-8 bytes, exactly as if they were Buffers', async () => {
    const builder = new RecordBatchBuilder(4096);
    builder.append('κλειδί', 'valeur ✓', [{ key: 'h', value: 'x' }], 1_700_000_000_000);
    const expected = await encodeRecordBatch({
      records: [
        {
          key: Buffer.from('κλειδί'),
          value: Buffer.from('valeur ✓'),
          headers: [{ key: 'h', value: Buffer.from('x') }],
          timestamp: 1_700_000_000_000,
        },
      ],
    });
    expect(builder.build().equals(expected)).toBe(true);
  });

  it('refuses a record past its capacity once it holds one, and grows for a large first record', () => {
    const builder = new RecordBatchBuilder(200);
    const value = Buffer.alloc(60, 1);
    expect(builder.append(null, value, undefined, 1)).toBe(true);
    expect(builder.append(null, value, undefined, 1)).toBe(true);
    expect(builder.append(null, value, undefined, 1)).toBe(false);
    expect(builder.recordCount).toBe(2);
    expect(builder.sizeInBytes).toBeLessThanOrEqual(200);
    verifyBatch(builder.build());

    const large = new RecordBatchBuilder(200);
    expect(large.append(null, Buffer.alloc(1000, 2), undefined, 1)).toBe(true);
    expect(large.capacity).toBeGreaterThanOrEqual(1000 + BATCH_HEADER_SIZE);
    verifyBatch(large.build());
  });

  it('writes into a buffer it is given, and moves off it only for a first record that does not fit', () => {
    const given = Buffer.alloc(512);
    const builder = new RecordBatchBuilder(given);
    builder.append(null, 'v', undefined, 1);
    expect(builder.buffer).toBe(given);
    expect(builder.build().buffer).toBe(given.buffer);
    const tooSmall = new RecordBatchBuilder(Buffer.alloc(100));
    tooSmall.append(null, Buffer.alloc(200), undefined, 1);
    expect(tooSmall.buffer.length).toBeGreaterThanOrEqual(200 + BATCH_HEADER_SIZE);
  });

  it('re-stamps producer fields on a second build, keeping the records and a valid CRC', async () => {
    const builder = new RecordBatchBuilder(1024);
    builder.append('k', 'v', undefined, 5);
    builder.build({ producerId: 7n, producerEpoch: 0, baseSequence: 10 });
    const again = builder.build({ producerId: 7n, producerEpoch: 0, baseSequence: 3 });
    const decoded = await decodeRecordBatch(again);
    expect(decoded.header).toMatchObject({ producerId: 7n, baseSequence: 3, recordCount: 1 });
    expect(decoded.records[0]!.value!.toString()).toBe('v');
  });

  it('sizes a record payload as it is written', () => {
    const builder = new RecordBatchBuilder(1024);
    const headers = [{ key: 'trace', value: Buffer.from('abc') }];
    builder.append('key', 'value', headers, 0);
    // length (1) + attributes (1) + timestampDelta (1) + offsetDelta (1) + payload
    expect(builder.sizeInBytes - BATCH_HEADER_SIZE).toBe(4 + sizeOfRecordPayload('key', 'value', headers));
  });

  it('refuses to build an empty batch, zstd synchronously, and a timestamp that is not a safe integer', () => {
    expect(() => new RecordBatchBuilder(1024).build()).toThrow(ProtocolError);
    const zstd = new RecordBatchBuilder(1024, CompressionType.Zstd);
    zstd.append(null, 'v', undefined, 0);
    expect(() => zstd.build()).toThrow(/zstd compression is asynchronous: use buildAsync/);
    expect(() => new RecordBatchBuilder(1024).append(null, 'v', undefined, 1.5)).toThrow(
      /timestamp 1.5 is not an integer/,
    );
    expect(() => new RecordBatchBuilder(10)).toThrow(/capacity 10 must be an integer of at least 61/);
  });

  it('writes the same bytes from timestamp deltas (appendWithTimestampDelta) as from timestamps, and refuses the same records', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 200, max: 4096 }),
        sealArb,
        (records, capacity, seal) => {
          const absolute = new RecordBatchBuilder(capacity);
          const relative = new RecordBatchBuilder(capacity);
          const base = Number(records[0]!.timestamp);
          for (const [i, r] of records.entries()) {
            const timestamp = Number(r.timestamp);
            const fitted = absolute.append(r.key ?? null, r.value, r.headers, timestamp);
            const fittedToo =
              i === 0
                ? relative.append(r.key ?? null, r.value, r.headers, timestamp)
                : relative.appendWithTimestampDelta(r.key ?? null, r.value, r.headers, timestamp - base);
            expect(fittedToo).toBe(fitted);
            if (!fitted) break;
          }
          expect(relative.recordCount).toBe(absolute.recordCount);
          expect(relative.build(seal).equals(absolute.build(seal))).toBe(true);
        },
      ),
    );
  });

  it('refuses a timestamp delta on an empty batch, and one that is not a whole number of milliseconds', () => {
    expect(() => new RecordBatchBuilder(1024).appendWithTimestampDelta(null, 'v', undefined, 0)).toThrow(
      /the first record of a batch sets its baseTimestamp/,
    );
    const builder = new RecordBatchBuilder(1024);
    builder.append(null, 'v', undefined, 1_700_000_000_000);
    expect(() => builder.appendWithTimestampDelta(null, 'v', undefined, 0.5)).toThrow(
      /timestamp delta 0.5 from baseTimestamp 1700000000000 is not a timestamp/,
    );
    expect(() => builder.appendWithTimestampDelta(null, 'v', undefined, 2 ** 53)).toThrow(ProtocolError);
    expect(builder.recordCount).toBe(1);
  });
});
