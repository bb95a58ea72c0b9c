import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  type BatchHeader,
  BatchLayout,
  CompressionType,
  CURRENT_MAGIC,
  ErrorCode,
  HEADER_SIZE_UP_TO_MAGIC,
  LOG_OVERHEAD,
  ProtocolError,
  verifyBatch,
} from '@runnel/protocol';
import { ProduceError } from './produce-error.js';

/** Produce v7 is the first whose records may be zstd-compressed (KIP-110). */
const FIRST_ZSTD_VERSION = 7;

/**
 * Checks the records of one partition of a Produce v3+ request before anything is appended, as
 * Kafka does (ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords,
 * LogValidator.validateBatch), in Kafka's order and with its codes:
 * - null, or too short to hold a batch's magic, or a batch cut short: INVALID_RECORD (87), no
 *   record batch; anything after the first batch: INVALID_RECORD, one batch per partition;
 * - magic 0 or 1 (a legacy message set): UNSUPPORTED_FOR_MESSAGE_FORMAT (43), since this broker
 *   stores only magic 2 (Kafka answers INVALID_RECORD; 43 says why); another magic, or a
 *   batchLength below a header's: CORRUPT_MESSAGE (2);
 * - a codec id other than 0-4, or zstd before v7: UNSUPPORTED_COMPRESSION_TYPE (76);
 * - baseOffset other than 0: INVALID_RECORD (producers leave offsets to the broker);
 * - larger than the topic's `max.message.bytes`: MESSAGE_TOO_LARGE (10);
 * - a CRC that does not match: CORRUPT_MESSAGE (2) — computed here once, so the log is told the
 *   batch is validated and does not compute it again;
 * - recordCount other than lastOffsetDelta + 1 or below 1, a control batch (only brokers write
 *   those), or a producer id with a negative baseSequence: INVALID_RECORD;
 * - the transactional bit: INVALID_TXN_STATE (48), since transactions are not supported and
 *   nothing would ever commit or abort the batch.
 * Returns the batch's header; throws ProduceError.
 */
export function validateProducedBatch(
  records: Buffer | null,
  version: number,
  maxMessageBytes: number,
): BatchHeader {
  if (records === null || records.length < HEADER_SIZE_UP_TO_MAGIC) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} must have at least one record batch per partition (got ${records?.length ?? 'null'} bytes)`,
    );
  }
  const magic = records.readInt8(BatchLayout.MAGIC);
  if (magic === 0 || magic === 1) {
    throw new ProduceError(
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      `Records of magic ${magic} are a legacy message set; this broker stores record batches of magic ${CURRENT_MAGIC} only`,
    );
  }
  if (magic !== CURRENT_MAGIC) {
    throw new ProduceError(ErrorCode.CORRUPT_MESSAGE, `Invalid magic found in record batch: ${magic}`);
  }
  const batchLength = records.readInt32BE(BatchLayout.BATCH_LENGTH);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new ProduceError(
      ErrorCode.CORRUPT_MESSAGE,
      `Record batch length ${batchLength} is below the minimum of ${BATCH_HEADER_SIZE - LOG_OVERHEAD}`,
    );
  }
  const sizeInBytes = batchLength + LOG_OVERHEAD;
  if (sizeInBytes > records.length) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Record batch of ${sizeInBytes} bytes is cut short: only ${records.length} bytes were sent`,
    );
  }
  if (sizeInBytes < records.length) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition (${records.length - sizeInBytes} bytes follow the first batch)`,
    );
  }
  checkCompression(records.readInt16BE(BatchLayout.ATTRIBUTES), version);
  const baseOffset = records.readBigInt64BE(BatchLayout.BASE_OFFSET);
  if (baseOffset !== 0n) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `The baseOffset of the record batch should be 0, but it is ${baseOffset}`,
    );
  }
  if (sizeInBytes > maxMessageBytes) {
    throw new ProduceError(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The record batch of ${sizeInBytes} bytes is larger than max.message.bytes (${maxMessageBytes})`,
    );
  }
  let header: BatchHeader;
  try {
    header = verifyBatch(records);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    throw new ProduceError(ErrorCode.CORRUPT_MESSAGE, `Record batch is corrupt: ${err.message}`);
  }
  checkContents(header);
  return header;
}

function checkCompression(attributes: number, version: number): void {
  const codec = attributes & BatchAttributes.COMPRESSION_MASK;
  if (codec > CompressionType.Zstd) {
    throw new ProduceError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Unknown compression type id ${codec}`);
  }
  if (codec === CompressionType.Zstd && version < FIRST_ZSTD_VERSION) {
    throw new ProduceError(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `Produce requests with version ${version} are not allowed to use ZStandard compression (v${FIRST_ZSTD_VERSION}+ are)`,
    );
  }
}

function checkContents(header: BatchHeader): void {
  const { recordCount, lastOffsetDelta, attributes, producerId, baseSequence } = header;
  if (recordCount < 1 || recordCount !== lastOffsetDelta + 1) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Record batch has recordCount ${recordCount} and lastOffsetDelta ${lastOffsetDelta}; it needs recordCount = lastOffsetDelta + 1 >= 1`,
    );
  }
  if ((attributes & BatchAttributes.CONTROL) !== 0) {
    throw new ProduceError(ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records');
  }
  if (producerId >= 0n && baseSequence < 0) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`,
    );
  }
  if ((attributes & BatchAttributes.TRANSACTIONAL) !== 0) {
    throw new ProduceError(
      ErrorCode.INVALID_TXN_STATE,
      'Transactional record batches are not supported: this broker does not serve transactions',
    );
  }
}
