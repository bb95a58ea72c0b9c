import { ProtocolError } from '../errors/protocol-error.js';
import { BatchLayout } from './batch-header.js';
import { encodeRecordBatch } from './record-batch.js';
import { decodeRecordBatches, RecordBatchIterator } from './record-batch-iterator.js';

async function batchAt(baseOffset: bigint, count: number): Promise<Buffer> {
  return encodeRecordBatch({
    baseOffset,
    records: Array.from({ length: count }, (_, i) => ({
      value: Buffer.from(`v${baseOffset + BigInt(i)}`),
      timestamp: 0,
    })),
  });
}

describe('RecordBatchIterator', () => {
  it('yields every batch of a buffer with its position', async () => {
    const a = await batchAt(0n, 2);
    const b = await batchAt(2n, 3);
    const iterator = new RecordBatchIterator(Buffer.concat([a, b]));
    const found = [...iterator];
    expect(found.map((r) => [r.position, r.header.baseOffset, r.bytes.length])).toEqual([
      [0, 0n, a.length],
      [a.length, 2n, b.length],
    ]);
    expect(iterator.bytesConsumed).toBe(a.length + b.length);
  });

  it('stops cleanly at a partial trailing batch cut anywhere, reporting the whole batches', async () => {
    const a = await batchAt(0n, 2);
    const b = await batchAt(2n, 3);
    for (let cut = 0; cut < b.length; cut++) {
      const iterator = new RecordBatchIterator(Buffer.concat([a, b.subarray(0, cut)]));
      expect([...iterator].map((r) => r.header.baseOffset)).toEqual([0n]);
      expect(iterator.bytesConsumed).toBe(a.length);
    }
  });

  it('throws at a corrupt batch, leaving bytesConsumed at its start', async () => {
    const a = await batchAt(0n, 2);
    const b = await batchAt(2n, 3);
    b[b.length - 1]! ^= 0xff;
    const iterator = new RecordBatchIterator(Buffer.concat([a, b]));
    expect(iterator.next().done).toBe(false);
    expect(() => iterator.next()).toThrow(/RecordBatch.crc: stored CRC/);
    expect(iterator.bytesConsumed).toBe(a.length);
  });

  it('yields a corrupt batch unchecked when verifyCrc is false', async () => {
    const a = await batchAt(0n, 2);
    a[a.length - 1]! ^= 0xff;
    expect([...new RecordBatchIterator(a, { verifyCrc: false })]).toHaveLength(1);
  });

  it('refuses a batchLength below the header size rather than waiting for more bytes', async () => {
    const a = await batchAt(0n, 1);
    a.writeInt32BE(10, BatchLayout.BATCH_LENGTH);
    expect(() => [...new RecordBatchIterator(a)]).toThrow(ProtocolError);
  });

  it('gives the legacy error for a message set, even one shorter than a batch header', () => {
    const legacy = Buffer.alloc(30);
    legacy.writeInt32BE(18, BatchLayout.BATCH_LENGTH);
    legacy[BatchLayout.MAGIC] = 1;
    expect(() => [...new RecordBatchIterator(legacy)]).toThrow(/magic 1 is a legacy message set/);
  });
});

describe('decodeRecordBatches', () => {
  it('decodes the whole batches and reports the bytes they take', async () => {
    const a = await batchAt(0n, 2);
    const b = await batchAt(2n, 3);
    const { batches, bytesConsumed } = await decodeRecordBatches(Buffer.concat([a, b, b.subarray(0, 20)]));
    expect(batches.flatMap((batch) => batch.records.map((r) => r.value?.toString()))).toEqual([
      'v0',
      'v1',
      'v2',
      'v3',
      'v4',
    ]);
    expect(bytesConsumed).toBe(a.length + b.length);
  });
});
