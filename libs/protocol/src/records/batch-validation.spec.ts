import { ProtocolError } from '../errors/protocol-error.js';
import { BatchLayout, patchBaseOffset, patchPartitionLeaderEpoch } from './batch-header.js';
import { lastOffset, verifyBatch } from './batch-validation.js';
import { crc32cPure } from './crc32c.js';

/** A batch header with `body` as its records section and a correct CRC. */
function batchWith(body: Buffer): Buffer {
  const buf = Buffer.alloc(BatchLayout.RECORDS + body.length);
  buf.writeBigInt64BE(100n, BatchLayout.BASE_OFFSET);
  buf.writeInt32BE(buf.length - 12, BatchLayout.BATCH_LENGTH);
  buf.writeInt32BE(-1, BatchLayout.PARTITION_LEADER_EPOCH);
  buf.writeInt8(2, BatchLayout.MAGIC);
  buf.writeInt32BE(4, BatchLayout.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(-1n, BatchLayout.PRODUCER_ID);
  buf.writeInt16BE(-1, BatchLayout.PRODUCER_EPOCH);
  buf.writeInt32BE(-1, BatchLayout.BASE_SEQUENCE);
  buf.writeInt32BE(5, BatchLayout.RECORD_COUNT);
  body.copy(buf, BatchLayout.RECORDS);
  buf.writeUInt32BE(crc32cPure(buf.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return buf;
}

describe('verifyBatch', () => {
  const batch = batchWith(Buffer.from('records section'));

  it('returns the header of a whole, intact batch', () => {
    const header = verifyBatch(batch);
    expect(header.sizeInBytes).toBe(batch.length);
    expect(header.recordCount).toBe(5);
    expect(lastOffset(header)).toBe(104n);
  });

  it('verifies a batch at a position inside a larger buffer', () => {
    const buf = Buffer.concat([Buffer.from('xyz'), batch, Buffer.from('trailing')]);
    expect(verifyBatch(buf, 3).baseOffset).toBe(100n);
  });

  it('refuses a batch whose bytes are not all present, naming both sizes', () => {
    expect(() => verifyBatch(batch.subarray(0, batch.length - 1))).toThrow(
      new ProtocolError(
        `batch at offset 0 is ${batch.length} bytes but only ${batch.length - 1} are present`,
        'RecordBatch.batchLength',
      ),
    );
  });

  it('reports a CRC mismatch with both CRCs', () => {
    const corrupt = Buffer.from(batch);
    corrupt[corrupt.length - 1]! ^= 0x01;
    const stored = batch.readUInt32BE(BatchLayout.CRC).toString(16).padStart(8, '0');
    const computed = crc32cPure(corrupt.subarray(BatchLayout.ATTRIBUTES)).toString(16).padStart(8, '0');
    expect(() => verifyBatch(corrupt)).toThrow(
      `RecordBatch.crc: stored CRC 0x${stored} does not match 0x${computed} computed over the batch at offset 0`,
    );
  });

  it('detects a flipped bit anywhere from the attributes on', () => {
    for (let i = BatchLayout.ATTRIBUTES; i < batch.length; i++) {
      const corrupt = Buffer.from(batch);
      corrupt[i]! ^= 0x10;
      expect(() => verifyBatch(corrupt)).toThrow(ProtocolError);
    }
  });

  it('still verifies after baseOffset and partitionLeaderEpoch are patched, which lie outside the CRC', () => {
    const patched = Buffer.from(batch);
    patchBaseOffset(patched, 9_000_000_000n);
    patchPartitionLeaderEpoch(patched, 7);
    const header = verifyBatch(patched);
    expect(header.baseOffset).toBe(9_000_000_000n);
    expect(header.partitionLeaderEpoch).toBe(7);
    expect(lastOffset(header)).toBe(9_000_000_004n);
  });

  it('refuses legacy message sets with the legacy error', () => {
    const legacy = Buffer.from(batch);
    legacy.writeInt8(1, BatchLayout.MAGIC);
    expect(() => verifyBatch(legacy)).toThrow(/magic 1 is a legacy message set/);
  });
});
