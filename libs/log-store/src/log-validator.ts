import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchLayout,
  CompressionType,
  CURRENT_MAGIC,
  crc32c,
  HEADER_SIZE_UP_TO_MAGIC,
  LOG_OVERHEAD,
} from '@runnel/protocol';
import {
  CorruptRecordError,
  InvalidRecordError,
  InvalidTxnStateError,
  RecordTooLargeError,
  UnsupportedCompressionTypeError,
  UnsupportedForMessageFormatError,
} from './errors.js';
import type { LogConfig } from './log-config.js';

/**
 * Who wrote a batch (Kafka's AppendOrigin): a `client` batch comes from a Produce request and
 * meets every rule below; a `coordinator` batch was encoded by this process (consumer offsets,
 * tools, tests) and skips the rules about what producers may send.
 */
export type AppendOrigin = 'client' | 'coordinator';

export interface ValidationOptions {
  /** Default `client`. */
  origin?: AppendOrigin;
  /** Whether the batch may be zstd-compressed: Produce v7+ only (KIP-110). Default true. */
  zstdAllowed?: boolean;
}

/** Brands a ValidatedBatch so that only validateBatch makes one; type-level, nothing at runtime. */
export declare const VALIDATED: unique symbol;

/**
 * One record batch LogValidator accepted for a log: its bytes, and the header fields the append
 * and the producer state use, each read from the bytes once. `PartitionLog.append` takes it
 * without checking anything again.
 */
export interface ValidatedBatch {
  /** Exactly the batch; append patches its baseOffset in place. */
  readonly bytes: Buffer;
  /** batchLength + LOG_OVERHEAD: `bytes.length`. */
  readonly sizeInBytes: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly recordCount: number;
  readonly maxTimestamp: bigint;
  /** -1 for a batch of a non-idempotent producer. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly [VALIDATED]: true;
}

const hex = (crc: number): string => `0x${crc.toString(16).padStart(8, '0')}`;

/**
 * Checks one record batch before it is appended to the log in `dir` (Kafka's
 * ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and LogValidator, in
 * Kafka's order and with its codes), reading each header field once:
 * - too short to hold a batch's magic, a batch cut short, or bytes after the first batch:
 *   INVALID_RECORD (87), one batch per append;
 * - magic 0 or 1 (a legacy message set): UNSUPPORTED_FOR_MESSAGE_FORMAT (43), another magic or a
 *   batchLength below a header's: CORRUPT_MESSAGE (2);
 * - a codec id other than 0-4, or zstd where not allowed: UNSUPPORTED_COMPRESSION_TYPE (76);
 * - client: baseOffset other than 0: INVALID_RECORD (offsets are the log's to assign);
 * - larger than `maxMessageBytes`: MESSAGE_TOO_LARGE (10); than `segmentBytes`:
 *   RECORD_LIST_TOO_LARGE (18);
 * - a CRC that does not match: CORRUPT_MESSAGE (2), the one CRC computation on the append path;
 * - recordCount below 1 or above lastOffsetDelta + 1 (client: other than lastOffsetDelta + 1):
 *   INVALID_RECORD;
 * - client: a control batch (only brokers write those), or a producer id with a negative
 *   baseSequence: INVALID_RECORD; the transactional bit: INVALID_TXN_STATE (48), since logs keep
 *   no transaction index and nothing would ever commit or abort the batch.
 * Throws the InvalidBatchError for the first rule broken; the config is read now, so a batch is
 * validated against the settings of the append it goes to (validate and append in one tick).
 */
export function validateBatch(
  dir: string,
  records: Buffer,
  config: Pick<LogConfig, 'maxMessageBytes' | 'segmentBytes'>,
  options: ValidationOptions = {},
): ValidatedBatch {
  const client = (options.origin ?? 'client') === 'client';
  if (records.length < HEADER_SIZE_UP_TO_MAGIC) {
    throw new InvalidRecordError(
      dir,
      `records of ${records.length} bytes hold no record batch (a batch needs at least ${BATCH_HEADER_SIZE})`,
    );
  }
  const magic = records.readInt8(BatchLayout.MAGIC);
  if (magic === 0 || magic === 1) {
    throw new UnsupportedForMessageFormatError(
      dir,
      `Records of magic ${magic} are a legacy message set; this broker stores record batches of magic ${CURRENT_MAGIC} only`,
    );
  }
  if (magic !== CURRENT_MAGIC) {
    throw new CorruptRecordError(dir, `Invalid magic found in record batch: ${magic}`);
  }
  const batchLength = records.readInt32BE(BatchLayout.BATCH_LENGTH);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new CorruptRecordError(
      dir,
      `Record batch length ${batchLength} is below the minimum of ${BATCH_HEADER_SIZE - LOG_OVERHEAD}`,
    );
  }
  const sizeInBytes = batchLength + LOG_OVERHEAD;
  if (sizeInBytes > records.length) {
    throw new InvalidRecordError(
      dir,
      `Record batch of ${sizeInBytes} bytes is cut short: only ${records.length} bytes were sent`,
    );
  }
  if (sizeInBytes < records.length) {
    throw new InvalidRecordError(
      dir,
      `Only one record batch may be appended at a time, exactly one per partition (${records.length - sizeInBytes} bytes follow the first batch)`,
    );
  }
  const attributes = records.readInt16BE(BatchLayout.ATTRIBUTES);
  checkCompression(dir, attributes, options.zstdAllowed ?? true);
  // Two int32 reads rather than a BigInt: baseOffset is only compared with 0.
  const baseOffsetHigh = records.readInt32BE(BatchLayout.BASE_OFFSET);
  const baseOffsetLow = records.readInt32BE(BatchLayout.BASE_OFFSET + 4);
  if (client && (baseOffsetHigh !== 0 || baseOffsetLow !== 0)) {
    throw new InvalidRecordError(
      dir,
      `The baseOffset of the record batch should be 0, but it is ${records.readBigInt64BE(BatchLayout.BASE_OFFSET)}`,
    );
  }
  if (sizeInBytes > config.maxMessageBytes) {
    throw new RecordTooLargeError(dir, sizeInBytes, config.maxMessageBytes, 'maxMessageBytes');
  }
  if (sizeInBytes > config.segmentBytes) {
    throw new RecordTooLargeError(dir, sizeInBytes, config.segmentBytes, 'segmentBytes');
  }
  const stored = records.readUInt32BE(BatchLayout.CRC);
  const computed = crc32c(records.subarray(BatchLayout.ATTRIBUTES));
  if (computed !== stored) {
    throw new CorruptRecordError(
      dir,
      `Record batch is corrupt: stored CRC ${hex(stored)} does not match ${hex(computed)} computed over its ${sizeInBytes} bytes`,
    );
  }
  const lastOffsetDelta = records.readInt32BE(BatchLayout.LAST_OFFSET_DELTA);
  const recordCount = records.readInt32BE(BatchLayout.RECORD_COUNT);
  if (
    lastOffsetDelta < 0 ||
    recordCount < 1 ||
    (client ? recordCount !== lastOffsetDelta + 1 : recordCount > lastOffsetDelta + 1)
  ) {
    throw new InvalidRecordError(
      dir,
      `Record batch has recordCount ${recordCount} and lastOffsetDelta ${lastOffsetDelta}; it needs ${client ? 'recordCount = lastOffsetDelta + 1 >= 1' : '1 <= recordCount <= lastOffsetDelta + 1'}`,
    );
  }
  const producerId = records.readBigInt64BE(BatchLayout.PRODUCER_ID);
  const baseSequence = records.readInt32BE(BatchLayout.BASE_SEQUENCE);
  if (client) checkProducerFields(dir, attributes, producerId, baseSequence);
  return {
    bytes: records,
    sizeInBytes,
    attributes,
    lastOffsetDelta,
    recordCount,
    maxTimestamp: records.readBigInt64BE(BatchLayout.MAX_TIMESTAMP),
    producerId,
    producerEpoch: records.readInt16BE(BatchLayout.PRODUCER_EPOCH),
    baseSequence,
  } as ValidatedBatch;
}

function checkCompression(dir: string, attributes: number, zstdAllowed: boolean): void {
  const codec = attributes & BatchAttributes.COMPRESSION_MASK;
  if (codec > CompressionType.Zstd) {
    throw new UnsupportedCompressionTypeError(dir, `Unknown compression type id ${codec}`);
  }
  if (codec === CompressionType.Zstd && !zstdAllowed) {
    throw new UnsupportedCompressionTypeError(
      dir,
      'Produce requests below version 7 are not allowed to use ZStandard compression',
    );
  }
}

function checkProducerFields(
  dir: string,
  attributes: number,
  producerId: bigint,
  baseSequence: number,
): void {
  if ((attributes & BatchAttributes.CONTROL) !== 0) {
    throw new InvalidRecordError(dir, 'Clients are not allowed to write control records');
  }
  if (producerId >= 0n && baseSequence < 0) {
    throw new InvalidRecordError(
      dir,
      `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`,
    );
  }
  if ((attributes & BatchAttributes.TRANSACTIONAL) !== 0) {
    throw new InvalidTxnStateError(
      dir,
      'Transactional record batches are not supported: this broker does not serve transactions',
    );
  }
}
