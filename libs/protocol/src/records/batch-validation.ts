import { ProtocolError } from '../errors/protocol-error.js';
import { type BatchHeader, BatchLayout, readCompleteBatchHeader } from './batch-header.js';
import { crc32c } from './crc32c.js';

const hex = (crc: number): string => `0x${crc.toString(16).padStart(8, '0')}`;

/**
 * Reads the header of the batch at `position` and checks the batch is whole and intact: all
 * `sizeInBytes` bytes are present in `buf`, and the stored CRC equals the CRC-32C of bytes
 * [position + 21, position + sizeInBytes) (attributes to the end of the records, as Kafka's
 * DefaultRecordBatch computes it). Throws a {@link ProtocolError} otherwise: field
 * `RecordBatch.batchLength` for a batch cut short, `RecordBatch.crc` for a mismatch.
 */
export function verifyBatch(buf: Buffer, position = 0): BatchHeader {
  const header = readCompleteBatchHeader(buf, position);
  const computed = crc32c(buf.subarray(position + BatchLayout.ATTRIBUTES, position + header.sizeInBytes));
  if (computed !== header.crc) {
    throw new ProtocolError(
      `stored CRC ${hex(header.crc)} does not match ${hex(computed)} computed over the batch at offset ${position}`,
      'RecordBatch.crc',
    );
  }
  return header;
}

/** Offset of the batch's last record: baseOffset + lastOffsetDelta. */
export function lastOffset(header: BatchHeader): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}
