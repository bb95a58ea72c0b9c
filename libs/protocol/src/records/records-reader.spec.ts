import { CompressionType } from '../compression/compression-type.js';
import type { RecordHeader } from '../serializers/serializer.js';
import { BatchLayout, patchBaseOffset, readCompleteBatchHeader } from './batch-header.js';
import { TimestampType } from './record.js';
import {
  decodeRecordBatch,
  decodeRecordsWith,
  decodeUncompressedRecordsWith,
  encodeRecordBatch,
  isCompressed,
} from './record-batch.js';
import { NO_RECORD_HEADERS, type RecordFactory } from './records-reader.js';

/** What a factory was called with, one tuple per record. */
type Fields = [string | null, string | null, RecordHeader[], number | bigint, bigint];

const fieldsOf: RecordFactory<Fields> = {
  record: (key, value, headers, timestamp, offset) => [
    key?.toString() ?? null,
    value?.toString() ?? null,
    headers,
    timestamp,
    offset,
  ],
};

/** The same, keys and values left as bytes. */
type RawFields = [Buffer | null, Buffer | null, RecordHeader[], number | bigint, bigint];
const rawFields: RecordFactory<RawFields> = {
  record: (key, value, headers, timestamp, offset) => [key, value, headers, timestamp, offset],
};

async function threeRecords(compression: CompressionType = CompressionType.None): Promise<Buffer> {
  return encodeRecordBatch({
    baseOffset: 40n,
    compression,
    records: [
      { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: 1_700_000_000_000 },
      { value: null, timestamp: 1_699_999_999_990, headers: [{ key: 'h', value: Buffer.from('x') }] },
      { value: Buffer.from('v2'), timestamp: 1_700_000_000_007 },
    ],
  });
}

describe('readRecordsWith / decodeRecordsWith', () => {
  it('hands each record to the factory in offset order, timestamps as numbers, appending to out', async () => {
    for (const compression of [CompressionType.None, CompressionType.Gzip]) {
      const batch = await threeRecords(compression);
      const out: Fields[] = [['earlier', null, [], 0, 0n]];
      const result = await decodeRecordsWith(batch, 0, readCompleteBatchHeader(batch, 0), fieldsOf, out);
      expect(result).toBe(out);
      expect(out.slice(1)).toEqual([
        ['k0', 'v0', [], 1_700_000_000_000, 40n],
        [null, null, [{ key: 'h', value: Buffer.from('x') }], 1_699_999_999_990, 41n],
        [null, 'v2', [], 1_700_000_000_007, 42n],
      ]);
    }
  });

  it('gives every record without headers the one frozen NO_RECORD_HEADERS, and KafkaRecords too', async () => {
    const batch = await threeRecords();
    const out = await decodeRecordsWith(batch, 0, readCompleteBatchHeader(batch, 0), fieldsOf, []);
    expect(out[0]![2]).toBe(NO_RECORD_HEADERS);
    expect(out[2]![2]).toBe(NO_RECORD_HEADERS);
    expect(out[1]![2]).not.toBe(NO_RECORD_HEADERS);
    expect(Object.isFrozen(NO_RECORD_HEADERS)).toBe(true);
    const { records } = await decodeRecordBatch(batch);
    expect(records[0]!.headers).toBe(NO_RECORD_HEADERS);
    expect(records.map((r) => r.timestamp)).toEqual([
      1_700_000_000_000n,
      1_699_999_999_990n,
      1_700_000_000_007n,
    ]);
  });

  it('keeps offsets exact past 2^53 and timestamps exact (as bigints) when they are not safe integers', async () => {
    const batch = await threeRecords();
    const baseOffset = 2n ** 62n + 3n;
    patchBaseOffset(batch, baseOffset);
    // A baseTimestamp no client writes, but the format allows: 2^60 ms.
    batch.writeBigInt64BE(2n ** 60n, BatchLayout.BASE_TIMESTAMP);
    const header = readCompleteBatchHeader(batch, 0);
    const out = await decodeRecordsWith(batch, 0, header, fieldsOf, []);
    expect(out.map((f) => f[4])).toEqual([baseOffset, baseOffset + 1n, baseOffset + 2n]);
    expect(out.map((f) => f[3])).toEqual([2n ** 60n, 2n ** 60n - 10n, 2n ** 60n + 7n]);
    const { records } = await decodeRecordBatch(batch, 0, { verifyCrc: false });
    expect(records.map((r) => r.timestamp)).toEqual([2n ** 60n, 2n ** 60n - 10n, 2n ** 60n + 7n]);
  });

  it('gives every record the maxTimestamp of a LogAppendTime batch, as a number', async () => {
    const batch = await encodeRecordBatch({
      timestampType: TimestampType.LogAppendTime,
      records: [
        { value: Buffer.from('a'), timestamp: 5 },
        { value: Buffer.from('b'), timestamp: 9 },
      ],
    });
    const out = await decodeRecordsWith(batch, 0, readCompleteBatchHeader(batch, 0), fieldsOf, []);
    expect(out.map((f) => f[3])).toEqual([9, 9]);
  });

  it('throws the same ProtocolError as decodeRecordBatch for a record whose fields overrun it', async () => {
    const batch = await threeRecords();
    // The first record's length byte (zigzag 2 * length) claims one byte fewer than it holds.
    batch[BatchLayout.RECORDS] = batch[BatchLayout.RECORDS]! - 2;
    const header = readCompleteBatchHeader(batch, 0);
    await expect(decodeRecordsWith(batch, 0, header, fieldsOf, [])).rejects.toThrow(/records\[0\]/);
    await expect(decodeRecordBatch(batch, 0, { verifyCrc: false })).rejects.toThrow(/records\[0\]/);
  });

  it('decodes records alike on both sides of the short-varint path: lengths, deltas, keys and headers at each width', async () => {
    // Varints of 1-3 bytes are read on the fast path, longer ones by the checked cursor: a value
    // of 2^20 - 1 bytes has a 3-byte length, 2^20 a 4-byte one; a timestamp delta of 2^20 - 1 a
    // 3-byte varint, 2^20 and 2^40 longer ones; the record lengths cross the same widths.
    const base = 1_700_000_000_000;
    const inputs = [
      { key: null, value: Buffer.alloc(0), delta: 0 },
      { key: Buffer.alloc(0), value: null, delta: -1 },
      { key: Buffer.from('k'), value: Buffer.alloc(63, 1), delta: 63 },
      { key: null, value: Buffer.alloc(64, 2), delta: -64, headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: Buffer.alloc(8192, 3), value: Buffer.alloc(8191, 4), delta: 8191 },
      { key: null, value: Buffer.alloc(2 ** 20 - 1, 5), delta: 2 ** 20 - 1 },
      { key: null, value: Buffer.alloc(2 ** 20, 6), delta: 2 ** 20 },
      {
        key: Buffer.from('k2'),
        value: Buffer.from('v'),
        delta: -(2 ** 20),
        headers: [{ key: 'a', value: null }],
      },
      { key: null, value: Buffer.from('far'), delta: 2 ** 40 },
      { key: null, value: Buffer.from('last'), delta: 5 },
    ];
    const batch = await encodeRecordBatch({
      baseOffset: 1000n,
      records: inputs.map((r) => ({
        key: r.key,
        value: r.value,
        timestamp: base + r.delta,
        headers: r.headers ?? [],
      })),
    });
    // The batch's base timestamp is its first record's: deltas are measured from base + 0.
    const out = await decodeRecordsWith(batch, 0, readCompleteBatchHeader(batch, 0), rawFields, []);
    expect(out).toHaveLength(inputs.length);
    out.forEach(([key, value, headers, timestamp, offset], i) => {
      const input = inputs[i]!;
      expect(key).toEqual(input.key);
      expect(value).toEqual(input.value);
      expect(headers).toEqual(input.headers ?? []);
      expect(timestamp).toBe(base + input.delta);
      expect(offset).toBe(1000n + BigInt(i));
    });
  });

  it('names the record whose value length runs past its end, on the short-varint path too', async () => {
    const batch = await threeRecords();
    const header = readCompleteBatchHeader(batch, 0);
    // Record 0: length, attributes, timestampDelta 0, offsetDelta 0, key length 2 (zigzag 4), "k0",
    // value length 2 (zigzag 4), "v0", header count: claim 4 bytes, one past the record's end.
    const valueLength = BatchLayout.RECORDS + 1 + 1 + 1 + 1 + 1 + 2;
    expect(batch[valueLength]).toBe(4);
    batch[valueLength] = 8;
    await expect(decodeRecordsWith(batch, 0, header, fieldsOf, [])).rejects.toThrow(
      /records\[0\].*value of 4 bytes runs past the end of the record \(3 left\)/,
    );
  });

  it('decodeUncompressedRecordsWith decodes synchronously, and refuses a compressed batch by name', async () => {
    const plain = await threeRecords();
    const out = decodeUncompressedRecordsWith(plain, 0, readCompleteBatchHeader(plain, 0), fieldsOf, []);
    expect(out.map((f) => f[4])).toEqual([40n, 41n, 42n]);
    const gzip = await threeRecords(CompressionType.Gzip);
    const header = readCompleteBatchHeader(gzip, 0);
    expect(isCompressed(header)).toBe(true);
    expect(() => decodeUncompressedRecordsWith(gzip, 0, header, fieldsOf, [])).toThrow(
      /the batch is compressed \(gzip\)/,
    );
  });
});
