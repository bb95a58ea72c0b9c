import { compress, decompress } from '../compression/compression.js';
import { COMPRESSION_NAMES, CompressionType } from '../compression/compression-type.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  type BatchHeader,
  BatchLayout,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  readCompleteBatchHeader,
} from './batch-header.js';
import { verifyBatch } from './batch-validation.js';
import { crc32c } from './crc32c.js';
import { type KafkaRecord, type RecordInput, TimestampType } from './record.js';
import { KAFKA_RECORDS, type RecordFactory, type RecordsBase, readRecordsWith } from './records-reader.js';
import { planRecords, timestampOf, writeRecords } from './records-writer.js';

/**
 * RecordBatch v2 (magic 2) encoding and decoding; the header layout is in batch-header.ts and the
 * record layout in records-writer.ts.
 *
 * Both directions are async, for every codec: zstd's only binding is asynchronous, and one API
 * shape is simpler for callers than a sync/async split by codec. Nothing else waits: a batch
 * without compression, or with gzip, snappy or lz4, is encoded or decoded synchronously inside
 * the returned promise.
 */

/** A batch to encode. Every option's default is what a non-idempotent producer sends. */
export interface RecordBatchInput {
  /** At least one record; offset deltas are the indexes. */
  records: readonly RecordInput[];
  /** Codec of the records section (default None). */
  compression?: CompressionType;
  /** Offset of the first record (default 0; the broker assigns the real one by patching). */
  baseOffset?: bigint;
  /** Default -1 (producers leave it to the broker). */
  partitionLeaderEpoch?: number;
  /** Default -1 (not idempotent). */
  producerId?: bigint;
  /** Default -1. */
  producerEpoch?: number;
  /** Sequence number of the first record (default -1). */
  baseSequence?: number;
  /** Part of a transaction (default false). */
  transactional?: boolean;
  /** Holds control records, e.g. transaction markers (default false). */
  isControl?: boolean;
  /** Default CreateTime. */
  timestampType?: TimestampType;
  /** Milliseconds, a safe integer; default: the first record's timestamp. */
  baseTimestamp?: bigint | number;
}

/** A decoded batch: its header, the meaning of its attribute bits, and its records. */
export interface RecordBatch {
  header: BatchHeader;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  records: KafkaRecord[];
}

export interface DecodeOptions {
  /** Check the CRC before decoding (default true; false only for bytes already verified). */
  verifyCrc?: boolean;
  /** Most bytes the records section may decompress to (default DEFAULT_MAX_DECOMPRESSED_SIZE, 64 MiB). */
  maxDecompressedSize?: number;
}

function checkInt(value: number, bits: 16 | 32, field: string): number {
  const limit = 2 ** (bits - 1);
  if (!Number.isInteger(value) || value < -limit || value >= limit) {
    throw new ProtocolError(`${value} is not an int${bits}`, field);
  }
  return value;
}

function checkInt64(value: bigint, field: string): bigint {
  if (BigInt.asIntN(64, value) !== value) throw new ProtocolError(`${value} is not an int64`, field);
  return value;
}

/** Encodes a RecordBatch v2 with a correct lastOffsetDelta, timestamps and CRC. */
export async function encodeRecordBatch(input: RecordBatchInput): Promise<Buffer> {
  const { records, compression = CompressionType.None } = input;
  if (records.length === 0)
    throw new ProtocolError('a batch needs at least one record', 'RecordBatch.records');
  const base = input.baseTimestamp ?? records[0]!.timestamp;
  if (base === undefined) {
    throw new ProtocolError(
      'neither baseTimestamp nor the first record gives a timestamp',
      'RecordBatch.baseTimestamp',
    );
  }
  const baseTimestamp = timestampOf(base, 'RecordBatch.baseTimestamp');
  const plan = planRecords(records, baseTimestamp);
  let batch: Buffer;
  if (compression === CompressionType.None) {
    batch = allocateBatch(plan.size);
    writeRecords(records, plan, batch, BatchLayout.RECORDS);
  } else {
    const section = Buffer.allocUnsafe(plan.size);
    writeRecords(records, plan, section, 0);
    const compressed = await compress(compression, section);
    batch = allocateBatch(compressed.length);
    batch.set(compressed, BatchLayout.RECORDS);
  }
  const attributes =
    compression |
    (input.timestampType === TimestampType.LogAppendTime ? BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND : 0) |
    (input.transactional ? BatchAttributes.TRANSACTIONAL : 0) |
    (input.isControl ? BatchAttributes.CONTROL : 0);
  batch.writeBigInt64BE(
    checkInt64(input.baseOffset ?? 0n, 'RecordBatch.baseOffset'),
    BatchLayout.BASE_OFFSET,
  );
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchLayout.BATCH_LENGTH);
  batch.writeInt32BE(
    checkInt(input.partitionLeaderEpoch ?? -1, 32, 'RecordBatch.partitionLeaderEpoch'),
    BatchLayout.PARTITION_LEADER_EPOCH,
  );
  batch[BatchLayout.MAGIC] = CURRENT_MAGIC;
  batch.writeInt16BE(attributes, BatchLayout.ATTRIBUTES);
  batch.writeInt32BE(records.length - 1, BatchLayout.LAST_OFFSET_DELTA);
  batch.writeBigInt64BE(BigInt(baseTimestamp), BatchLayout.BASE_TIMESTAMP);
  batch.writeBigInt64BE(BigInt(plan.maxTimestamp), BatchLayout.MAX_TIMESTAMP);
  batch.writeBigInt64BE(
    checkInt64(input.producerId ?? -1n, 'RecordBatch.producerId'),
    BatchLayout.PRODUCER_ID,
  );
  batch.writeInt16BE(
    checkInt(input.producerEpoch ?? -1, 16, 'RecordBatch.producerEpoch'),
    BatchLayout.PRODUCER_EPOCH,
  );
  batch.writeInt32BE(
    checkInt(input.baseSequence ?? -1, 32, 'RecordBatch.baseSequence'),
    BatchLayout.BASE_SEQUENCE,
  );
  batch.writeInt32BE(records.length, BatchLayout.RECORD_COUNT);
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return batch;
}

/** A buffer for a header plus `recordsSize` bytes of records; checks batchLength fits an int32. */
function allocateBatch(recordsSize: number): Buffer {
  const batchLength = BATCH_HEADER_SIZE - LOG_OVERHEAD + recordsSize;
  if (batchLength > 0x7fffffff) {
    throw new ProtocolError(
      `batchLength ${batchLength} exceeds the int32 maximum`,
      'RecordBatch.batchLength',
    );
  }
  return Buffer.allocUnsafe(BATCH_HEADER_SIZE + recordsSize);
}

/**
 * Decodes the batch at `position`: checks it is whole and (unless `verifyCrc` is false) its CRC,
 * inflates the records section within `maxDecompressedSize`, and decodes exactly recordCount
 * records. Throws a ProtocolError for anything else.
 */
export async function decodeRecordBatch(
  buf: Buffer,
  position = 0,
  options: DecodeOptions = {},
): Promise<RecordBatch> {
  const header =
    options.verifyCrc === false ? readCompleteBatchHeader(buf, position) : verifyBatch(buf, position);
  const records = await decodeRecordsWith(buf, position, header, KAFKA_RECORDS, [], options);
  return {
    header,
    compression: compressionOf(header),
    timestampType: timestampTypeOf(header),
    isTransactional: (header.attributes & BatchAttributes.TRANSACTIONAL) !== 0,
    isControl: (header.attributes & BatchAttributes.CONTROL) !== 0,
    records,
  };
}

/**
 * Decodes the records of the batch at `position`, whose `header` was already read (and its CRC
 * checked, e.g. by RecordBatchIterator), in one pass: appends `factory.record(...)` of each
 * record to `out` and resolves with it. For a reader that wants its own record shape (a
 * consumer's messages, timestamps as numbers) without a KafkaRecord in between. Only a compressed
 * batch waits for anything (zstd's binding is asynchronous).
 */
export async function decodeRecordsWith<T>(
  buf: Buffer,
  position: number,
  header: BatchHeader,
  factory: RecordFactory<T>,
  out: T[],
  options: Pick<DecodeOptions, 'maxDecompressedSize'> = {},
): Promise<T[]> {
  const compression = compressionOf(header);
  if (compression === CompressionType.None) {
    return decodeUncompressedRecordsWith(buf, position, header, factory, out);
  }
  const start = position + BatchLayout.RECORDS;
  const section = await decompress(
    compression,
    buf.subarray(start, position + header.sizeInBytes),
    options.maxDecompressedSize,
  );
  return readRecordsWith(section, header.recordCount, recordsBaseOf(header), factory, out);
}

/**
 * {@link decodeRecordsWith} for a batch whose records are not compressed (`isCompressed(header)`
 * false), synchronously: a reader can decode and hand over such batches without yielding to
 * the event loop between them. Throws a ProtocolError for a compressed batch.
 */
export function decodeUncompressedRecordsWith<T>(
  buf: Buffer,
  position: number,
  header: BatchHeader,
  factory: RecordFactory<T>,
  out: T[],
): T[] {
  if (isCompressed(header)) {
    throw new ProtocolError(
      `the batch is compressed (${COMPRESSION_NAMES[compressionOf(header)] ?? compressionOf(header)}): decode it with decodeRecordsWith`,
      'RecordBatch.attributes',
    );
  }
  const section = buf.subarray(position + BatchLayout.RECORDS, position + header.sizeInBytes);
  return readRecordsWith(section, header.recordCount, recordsBaseOf(header), factory, out);
}

/** Whether the batch's records section is compressed (its attributes name a codec). */
export function isCompressed(header: BatchHeader): boolean {
  return compressionOf(header) !== CompressionType.None;
}

function recordsBaseOf(header: BatchHeader): RecordsBase {
  return {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: timestampTypeOf(header) === TimestampType.LogAppendTime ? header.maxTimestamp : null,
  };
}

function compressionOf(header: BatchHeader): CompressionType {
  return (header.attributes & BatchAttributes.COMPRESSION_MASK) as CompressionType;
}

function timestampTypeOf(header: BatchHeader): TimestampType {
  return header.attributes & BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND
    ? TimestampType.LogAppendTime
    : TimestampType.CreateTime;
}
