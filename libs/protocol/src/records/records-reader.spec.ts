import { CompressionType } from '../compression/compression-type.js';
import type { RecordHeader } from '../serializers/serializer.js';
import { BatchLayout, patchBaseOffset, readCompleteBatchHeader } from './batch-header.js';
import { TimestampType } from './record.js';
import { decodeRecordBatch, decodeRecordsWith, encodeRecordBatch } from './record-batch.js';
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
});
