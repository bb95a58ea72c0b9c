import { ProtocolError } from '../errors/protocol-error.js';
import { crc32c } from './crc32c.js';
import { TimestampType } from './record.js';

/**
 * The fixed 61-byte header of a RecordBatch (magic 2), as Kafka lays it out on the wire and on
 * disk. All integers are big-endian.
 *
 * | offset | size | field                 |
 * |-------:|-----:|-----------------------|
 * |      0 |    8 | baseOffset            |
 * |      8 |    4 | batchLength (bytes after this field) |
 * |     12 |    4 | partitionLeaderEpoch  |
 * |     16 |    1 | magic (2)             |
 * |     17 |    4 | crc (CRC32C of bytes 21..end) |
 * |     21 |    2 | attributes            |
 * |     23 |    4 | lastOffsetDelta       |
 * |     27 |    8 | baseTimestamp         |
 * |     35 |    8 | maxTimestamp          |
 * |     43 |    8 | producerId            |
 * |     51 |    2 | producerEpoch         |
 * |     53 |    4 | baseSequence          |
 * |     57 |    4 | recordCount           |
 * |     61 |    … | records               |
 *
 * baseOffset, batchLength and partitionLeaderEpoch lie outside the CRC, which is what lets a
 * broker assign offsets by patching them in place without re-encoding or re-checksumming.
 */
export const BatchLayout = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORD_COUNT: 57,
  RECORDS: 61,
} as const;

/** Bytes before batchLength's count starts: baseOffset (8) + batchLength (4). Kafka's LOG_OVERHEAD. */
export const LOG_OVERHEAD = 12;
/** Size of the fixed header; the smallest possible batch. */
export const BATCH_HEADER_SIZE = 61;
/** The only record-batch magic this codec reads and writes; 0 and 1 are legacy message sets. */
export const CURRENT_MAGIC = 2;

/** Attribute bits of a batch. */
export const BatchAttributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

/** The header fields of one batch, read without touching its records. */
export interface BatchHeader {
  baseOffset: bigint;
  /** Total size of the batch in bytes, LOG_OVERHEAD included. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Bytes up to and including the magic byte: enough to tell a record batch from a legacy message set. */
export const HEADER_SIZE_UP_TO_MAGIC = BatchLayout.MAGIC + 1;

/**
 * Checks the magic byte of the batch at `position` (which needs {@link HEADER_SIZE_UP_TO_MAGIC}
 * bytes): 2 passes, legacy message sets (0, 1) and unknown values are refused, each with its own
 * message.
 */
export function checkMagic(buf: Buffer, position = 0): void {
  const magic = buf.readInt8(position + BatchLayout.MAGIC);
  if (magic !== CURRENT_MAGIC) {
    throw new ProtocolError(
      magic === 0 || magic === 1
        ? `magic ${magic} is a legacy message set (Kafka < 0.11); only record batches of magic 2 are supported`
        : `magic ${magic} is not a known record format (expected 2)`,
      'RecordBatch.magic',
    );
  }
}

/**
 * Reads the header of the batch starting at `position`. Checks the magic first (so a short legacy
 * message set still gets the legacy error), then that the whole header is there and that
 * batchLength is at least a header's worth; it does not check the CRC nor that the batch's
 * remaining bytes are all present: `verifyBatch` does both.
 */
export function readBatchHeader(buf: Buffer, position = 0): BatchHeader {
  if (buf.length - position >= HEADER_SIZE_UP_TO_MAGIC) checkMagic(buf, position);
  if (buf.length - position < BATCH_HEADER_SIZE) {
    throw new ProtocolError(
      `needs ${BATCH_HEADER_SIZE} bytes for a batch header at offset ${position} but only ${buf.length - position} remain`,
      'RecordBatch',
    );
  }
  const batchLength = buf.readInt32BE(position + BatchLayout.BATCH_LENGTH);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new ProtocolError(
      `batchLength ${batchLength} is smaller than the minimum of ${BATCH_HEADER_SIZE - LOG_OVERHEAD}`,
      'RecordBatch.batchLength',
    );
  }
  return {
    baseOffset: buf.readBigInt64BE(position + BatchLayout.BASE_OFFSET),
    sizeInBytes: batchLength + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(position + BatchLayout.PARTITION_LEADER_EPOCH),
    magic: CURRENT_MAGIC,
    crc: buf.readUInt32BE(position + BatchLayout.CRC),
    attributes: buf.readInt16BE(position + BatchLayout.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(position + BatchLayout.LAST_OFFSET_DELTA),
    baseTimestamp: buf.readBigInt64BE(position + BatchLayout.BASE_TIMESTAMP),
    maxTimestamp: buf.readBigInt64BE(position + BatchLayout.MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(position + BatchLayout.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(position + BatchLayout.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(position + BatchLayout.BASE_SEQUENCE),
    recordCount: buf.readInt32BE(position + BatchLayout.RECORD_COUNT),
  };
}

/**
 * {@link readBatchHeader}, plus the check that all `sizeInBytes` bytes of the batch are present
 * (a ProtocolError on field `RecordBatch.batchLength` otherwise). Does not check the CRC.
 */
export function readCompleteBatchHeader(buf: Buffer, position = 0): BatchHeader {
  const header = readBatchHeader(buf, position);
  const available = buf.length - position;
  if (header.sizeInBytes > available) {
    throw new ProtocolError(
      `batch at offset ${position} is ${header.sizeInBytes} bytes but only ${available} are present`,
      'RecordBatch.batchLength',
    );
  }
  return header;
}

/** Sets baseOffset in place; outside the CRC, so the batch stays valid. */
export function patchBaseOffset(buf: Buffer, baseOffset: bigint, position = 0): void {
  buf.writeBigInt64BE(baseOffset, position + BatchLayout.BASE_OFFSET);
}

/** Sets partitionLeaderEpoch in place; outside the CRC, so the batch stays valid. */
export function patchPartitionLeaderEpoch(buf: Buffer, epoch: number, position = 0): void {
  buf.writeInt32BE(epoch, position + BatchLayout.PARTITION_LEADER_EPOCH);
}

/**
 * Sets the timestamp type bit and maxTimestamp in place and recomputes the CRC over the batch's
 * `sizeInBytes`, as a broker does for topics with `message.timestamp.type=LogAppendTime` (Kafka's
 * DefaultRecordBatch.setMaxTimestamp). The batch must be whole.
 */
export function patchMaxTimestamp(
  buf: Buffer,
  timestampType: TimestampType,
  maxTimestamp: bigint,
  position = 0,
): void {
  const { sizeInBytes, attributes } = readCompleteBatchHeader(buf, position);
  const typeBit =
    timestampType === TimestampType.LogAppendTime ? BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND : 0;
  buf.writeInt16BE(
    (attributes & ~BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND) | typeBit,
    position + BatchLayout.ATTRIBUTES,
  );
  buf.writeBigInt64BE(maxTimestamp, position + BatchLayout.MAX_TIMESTAMP);
  const crc = crc32c(buf.subarray(position + BatchLayout.ATTRIBUTES, position + sizeInBytes));
  buf.writeUInt32BE(crc, position + BatchLayout.CRC);
}
