import { CompressionType } from '../compression/compression-type.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { patchBaseOffset, patchMaxTimestamp } from './batch-header.js';
import { verifyBatch } from './batch-validation.js';
import { TimestampType } from './record.js';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js';

/**
 * Two records laid out by hand from Kafka's format (DefaultRecordBatch, DefaultRecord).
 * The CRC is CRC-32C of everything from the attributes on, as kafkajs's crc32C computes it.
 */
const FIXTURE_HEX = [
  '0000000000000005', // baseOffset 5
  '00000048', // batchLength 72 = 84 - 12
  'ffffffff', // partitionLeaderEpoch -1
  '02', // magic
  'fde86579', // crc
  '0000', // attributes: no compression, CreateTime, not transactional, not control
  '00000001', // lastOffsetDelta 1
  '0000018bcfe56800', // baseTimestamp 1700000000000
  '0000018bcfe56805', // maxTimestamp 1700000000005
  'ffffffffffffffff', // producerId -1
  'ffff', // producerEpoch -1
  'ffffffff', // baseSequence -1
  '00000002', // recordCount 2
  // record 0: length 9, attributes, timestampDelta 0, offsetDelta 0, key "k", value "v1", no headers
  '12' + '00' + '00' + '00' + '026b' + '047631' + '00',
  // record 1: length 12, attributes, timestampDelta 5, offsetDelta 1, key null, value "v2",
  // one header "h" = "x"
  '18' + '00' + '0a' + '02' + '01' + '047632' + '02' + '0268' + '0278',
].join('');

describe('RecordBatch v2 codec', () => {
  it('encodes two records with a header byte for byte as Kafka lays them out', async () => {
    const batch = await encodeRecordBatch({
      baseOffset: 5n,
      records: [
        { key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000 },
        {
          value: Buffer.from('v2'),
          headers: [{ key: 'h', value: Buffer.from('x') }],
          timestamp: 1_700_000_000_005n,
        },
      ],
    });
    expect(batch.toString('hex')).toBe(FIXTURE_HEX);
  });

  it('decodes the hand-laid fixture', async () => {
    const batch = await decodeRecordBatch(Buffer.from(FIXTURE_HEX, 'hex'));
    expect(batch.header).toMatchObject({
      baseOffset: 5n,
      lastOffsetDelta: 1,
      recordCount: 2,
      crc: 0xfde86579,
    });
    expect(batch).toMatchObject({
      compression: CompressionType.None,
      timestampType: TimestampType.CreateTime,
      isTransactional: false,
      isControl: false,
    });
    expect(batch.records).toEqual([
      {
        key: Buffer.from('k'),
        value: Buffer.from('v1'),
        headers: [],
        timestamp: 1_700_000_000_000n,
        offset: 5n,
      },
      {
        key: null,
        value: Buffer.from('v2'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
        timestamp: 1_700_000_000_005n,
        offset: 6n,
      },
    ]);
  });

  it.each([
    CompressionType.None,
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ])('round-trips records, header fields and attributes with codec %i', async (compression) => {
    const records = Array.from({ length: 300 }, (_, i) => ({
      key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 7 === 0 ? null : Buffer.from(`value ${i} `.repeat(i % 20)),
      headers:
        i % 2 === 0
          ? []
          : [
              { key: 'trace-ü', value: Buffer.from([i & 0xff]) },
              { key: 'empty', value: null },
            ],
      timestamp: 1_700_000_000_000n + BigInt(i * 1000),
    }));
    const bytes = await encodeRecordBatch({
      records,
      compression,
      baseOffset: 1_000_000n,
      partitionLeaderEpoch: 3,
      producerId: 42n,
      producerEpoch: 1,
      baseSequence: 17,
      transactional: true,
    });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.compression).toBe(compression);
    expect(batch.isTransactional).toBe(true);
    expect(batch.header).toMatchObject({
      baseOffset: 1_000_000n,
      partitionLeaderEpoch: 3,
      lastOffsetDelta: 299,
      baseTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_299_000n,
      producerId: 42n,
      producerEpoch: 1,
      baseSequence: 17,
      recordCount: 300,
    });
    expect(batch.records).toEqual(records.map((r, i) => ({ ...r, offset: 1_000_000n + BigInt(i) })));
  });

  it('gives every record the batch maxTimestamp in a LogAppendTime batch', async () => {
    const bytes = await encodeRecordBatch({
      records: [
        { value: null, timestamp: 10 },
        { value: null, timestamp: 30 },
      ],
      timestampType: TimestampType.LogAppendTime,
      isControl: true,
    });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.isControl).toBe(true);
    expect(batch.records.map((r) => r.timestamp)).toEqual([30n, 30n]);
  });

  it('takes baseTimestamp for records without one, and deltas far apart and negative', async () => {
    const bytes = await encodeRecordBatch({
      baseTimestamp: 1_700_000_000_000n,
      records: [{ value: null }, { value: null, timestamp: -1 }, { value: null, timestamp: 2 ** 52 }],
    });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.records.map((r) => r.timestamp)).toEqual([1_700_000_000_000n, -1n, 2n ** 52n]);
    expect(batch.header.maxTimestamp).toBe(2n ** 52n);
  });

  it('keeps a batch verifiable when its baseOffset is patched, and shifts every offset', async () => {
    const bytes = await encodeRecordBatch({ records: [{ value: null, timestamp: 0 }, { value: null }] });
    patchBaseOffset(bytes, 500n);
    expect(verifyBatch(bytes).baseOffset).toBe(500n);
    expect((await decodeRecordBatch(bytes)).records.map((r) => r.offset)).toEqual([500n, 501n]);
  });

  it('stamps LogAppendTime on a batch in place, re-computing its CRC', async () => {
    const bytes = await encodeRecordBatch({
      records: [
        { value: null, timestamp: 1 },
        { value: null, timestamp: 2 },
      ],
    });
    const buf = Buffer.concat([Buffer.alloc(5), bytes]);
    patchMaxTimestamp(buf, TimestampType.LogAppendTime, 99n, 5);
    const batch = await decodeRecordBatch(buf, 5);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.records.map((r) => r.timestamp)).toEqual([99n, 99n]);
    patchMaxTimestamp(buf, TimestampType.CreateTime, 2n, 5);
    expect(buf.subarray(5)).toEqual(bytes);
  });

  it('decodes a batch at a position inside a larger buffer', async () => {
    const bytes = await encodeRecordBatch({ records: [{ value: Buffer.from('x'), timestamp: 0 }] });
    const buf = Buffer.concat([Buffer.alloc(7), bytes, Buffer.alloc(3)]);
    expect((await decodeRecordBatch(buf, 7)).records[0]?.value).toEqual(Buffer.from('x'));
  });

  it('refuses to encode what Kafka cannot carry', async () => {
    await expect(encodeRecordBatch({ records: [] })).rejects.toThrow(
      'RecordBatch.records: a batch needs at least one record',
    );
    await expect(encodeRecordBatch({ records: [{ value: null }] })).rejects.toThrow(
      'RecordBatch.baseTimestamp: neither baseTimestamp nor the first record gives a timestamp',
    );
    await expect(encodeRecordBatch({ records: [{ value: null, timestamp: 2n ** 60n }] })).rejects.toThrow(
      /timestamp 1152921504606846976 is not an integer within/,
    );
    await expect(
      encodeRecordBatch({ records: [{ value: null, timestamp: 0 }], producerEpoch: 40_000 }),
    ).rejects.toThrow('RecordBatch.producerEpoch: 40000 is not an int16');
    await expect(
      encodeRecordBatch({ records: [{ value: null, timestamp: 0 }], baseOffset: 2n ** 63n }),
    ).rejects.toThrow(ProtocolError);
  });

  it('refuses a compressed batch that inflates past maxDecompressedSize', async () => {
    const bytes = await encodeRecordBatch({
      records: [{ value: Buffer.alloc(2 * 1024 * 1024), timestamp: 0 }],
      compression: CompressionType.Gzip,
    });
    expect(bytes.length).toBeLessThan(10_000);
    await expect(decodeRecordBatch(bytes, 0, { maxDecompressedSize: 1024 * 1024 })).rejects.toThrow(
      /above the limit of 1048576/,
    );
    expect((await decodeRecordBatch(bytes)).records[0]?.value?.length).toBe(2 * 1024 * 1024);
  });

  it('refuses legacy message sets with the legacy error', async () => {
    const legacy = Buffer.from(FIXTURE_HEX, 'hex');
    legacy[16] = 1;
    await expect(decodeRecordBatch(legacy)).rejects.toThrow(
      'RecordBatch.magic: magic 1 is a legacy message set (Kafka < 0.11); only record batches of magic 2 are supported',
    );
  });

  it('refuses a record whose fields do not fill its length', async () => {
    const bytes = Buffer.from(FIXTURE_HEX, 'hex');
    bytes[61] = 0x14; // record 0 claims 10 bytes; it then swallows record 1's length byte
    await expect(decodeRecordBatch(bytes, 0, { verifyCrc: false })).rejects.toThrow(
      "records[0]: fields take 9 bytes but the record's length is 10",
    );
  });
});
