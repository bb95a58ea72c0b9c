import { compress } from '../compression/compression.js';
import type { CompressionCodec } from '../compression/compression-codec.js';
import { COMPRESSION_NAMES, CompressionType } from '../compression/compression-type.js';
import { gzip } from '../compression/gzip.js';
import { lz4 } from '../compression/lz4.js';
import { snappy } from '../compression/snappy.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchLayout,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
} from './batch-header.js';
import { crc32c } from './crc32c.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

/**
 * A RecordBatch v2 written record by record, for producers: each `append` encodes one record
 * straight into the batch's buffer (Kafka's MemoryRecordsBuilder), and `build` writes the 61-byte
 * header and the CRC once the batch is closed. The bytes are identical to what
 * `encodeRecordBatch` writes for the same records and header fields (record layout in
 * records-writer.ts, header layout in batch-header.ts).
 *
 * Why a second encoder: `encodeRecordBatch` is async for every codec (zstd's binding is), takes
 * every record as an object, and sizes them in a separate pass. A producer appends records one at
 * a time as `send()` hands them over, must know at once whether a record still fits `batchSize`,
 * and must not pay a promise per batch: `build` is synchronous for none, gzip, snappy and lz4, and
 * only zstd needs `buildAsync`.
 *
 * Invariants: records sit uncompressed at BatchLayout.RECORDS.. `sizeInBytes` of `buffer`; the
 * offset delta of a record is its index; baseTimestamp is the first record's timestamp and
 * maxTimestamp the largest, as encodeRecordBatch sets them. The header fields that a producer
 * learns only when it sends (producer id, epoch, base sequence) are given to `build`, so a batch
 * can be assigned its sequence at drain time, as Kafka's Sender does.
 */

/** A key, value or header value: bytes, a string (written as UTF-8), or null. */
export type RecordBytes = Uint8Array | string | null;

/** A record header as the builder takes it. */
export interface RecordHeaderInput {
  readonly key: string;
  readonly value: RecordBytes;
}

/** Header fields fixed when the batch is closed. Defaults are a non-idempotent producer's. */
export interface BatchSealFields {
  /** Default -1 (not idempotent). */
  readonly producerId?: bigint;
  /** Default -1. */
  readonly producerEpoch?: number;
  /** Sequence of the first record (default -1). */
  readonly baseSequence?: number;
  /** Default false. */
  readonly transactional?: boolean;
}

const SYNC_CODECS: Readonly<Record<number, CompressionCodec>> = {
  [CompressionType.Gzip]: gzip,
  [CompressionType.Snappy]: snappy,
  [CompressionType.Lz4]: lz4,
};

/** Zigzag varint of -1: the length of a null key, value or header value. */
const NULL_LENGTH = 1;

function sizeOfBytes(bytes: RecordBytes): number {
  if (bytes === null) return NULL_LENGTH;
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
  return sizeOfVarint(length) + length;
}

/**
 * The bytes a record's key, value and headers take in a batch (its length prefix and the fixed
 * fields left out): what a producer compares with its `max.request.size` before accepting it.
 */
export function sizeOfRecordPayload(
  key: RecordBytes,
  value: RecordBytes,
  headers: readonly RecordHeaderInput[] | undefined,
): number {
  let size = sizeOfBytes(key) + sizeOfBytes(value);
  if (headers === undefined || headers.length === 0) return size + 1;
  size += sizeOfVarint(headers.length);
  for (const h of headers) size += sizeOfBytes(h.key) + sizeOfBytes(h.value);
  return size;
}

/** Upper bound of a record's fixed fields: length (5), attributes (1), timestampDelta (10), offsetDelta (5). */
export const RECORD_OVERHEAD_BOUND = 21;

function writeBytes(buf: Buffer, pos: number, bytes: RecordBytes, length: number): number {
  if (bytes === null) {
    buf[pos] = NULL_LENGTH;
    return pos + 1;
  }
  pos = writeVarint(buf, pos, length);
  if (typeof bytes === 'string') {
    buf.write(bytes, pos, length, 'utf8');
  } else if (length < 64) {
    // A byte loop beats TypedArray.set's call overhead for the small values producers mostly send.
    for (let i = 0; i < length; i++) buf[pos + i] = bytes[i]!;
  } else {
    buf.set(bytes, pos);
  }
  return pos + length;
}

/**
 * Writes a safe integer as a big-endian int64 in two halves, two's complement, without the BigInt
 * (and the BigInts `writeBigInt64BE` makes inside) that a batch header would allocate per field.
 */
function writeSafeInt64BE(buf: Buffer, value: number, at: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, at);
  buf.writeUInt32BE(value - high * 0x1_0000_0000, at + 4);
}

function lengthOf(bytes: RecordBytes): number {
  if (bytes === null) return -1;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

export class RecordBatchBuilder {
  /** Codec of the records section. */
  readonly compression: CompressionType;
  private buf: Buffer;
  private position: number = BatchLayout.RECORDS;
  private count = 0;
  private base = 0;
  /** maxTimestamp - baseTimestamp; a small integer, where a timestamp is a heap number to the engine. */
  private maxDelta = Number.NEGATIVE_INFINITY;

  /**
   * @param capacity bytes reserved for the whole batch, header included (a producer passes its
   *   `batchSize`), or a buffer of that size to write into (a producer recycling the buffers of
   *   completed batches, as Kafka's BufferPool does); `append` refuses records past it once the
   *   batch holds one, and moves to a larger buffer for a first record that does not fit.
   */
  constructor(capacity: number | Buffer, compression: CompressionType = CompressionType.None) {
    const size = typeof capacity === 'number' ? capacity : capacity.length;
    if (!Number.isInteger(size) || size < BATCH_HEADER_SIZE) {
      throw new ProtocolError(
        `capacity ${size} must be an integer of at least ${BATCH_HEADER_SIZE} bytes`,
        'RecordBatch',
      );
    }
    if (compression !== CompressionType.None && COMPRESSION_NAMES[compression] === undefined) {
      throw new ProtocolError(
        `compression type ${compression} is not one Kafka defines (0-4)`,
        'RecordBatch',
      );
    }
    this.compression = compression;
    this.buf = typeof capacity === 'number' ? Buffer.allocUnsafe(capacity) : capacity;
  }

  /**
   * The buffer records are written into; uncompressed, `build()` returns a view of it. Once the
   * batch's bytes are no longer needed, a producer may hand it to a new builder.
   */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the batch as it stands, uncompressed: header plus records. */
  get sizeInBytes(): number {
    return this.position;
  }

  /** Bytes held by the builder's buffer (what a producer counts against `buffer.memory`). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Timestamp of the first record (ms); NaN while empty. */
  get baseTimestamp(): number {
    return this.count === 0 ? Number.NaN : this.base;
  }

  /**
   * Appends one record with `timestamp` (ms since the epoch, a safe integer). Returns false, and
   * appends nothing, when the batch already holds a record and this one would take it past its
   * capacity: the caller closes this batch and starts another. A first record always fits.
   */
  append(
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    timestamp: number,
  ): boolean {
    if (!Number.isSafeInteger(timestamp)) {
      throw new ProtocolError(
        `timestamp ${timestamp} is not an integer within ±(2^53 - 1) milliseconds`,
        'Record.timestamp',
      );
    }
    if (this.count === 0) {
      this.writeRecord(key, value, headers, 0);
      this.base = timestamp;
      return true;
    }
    const delta = timestamp - this.base;
    if (!Number.isSafeInteger(delta)) {
      throw new ProtocolError(
        `timestamp ${timestamp} is too far from baseTimestamp ${this.base}`,
        'Record.timestamp',
      );
    }
    // An int32 delta goes on as a small integer: a fractional-typed value passed to a call is
    // boxed into a new heap number each time, 16 bytes per record the garbage collector sees.
    return (delta | 0) === delta
      ? this.writeRecord(key, value, headers, delta | 0)
      : this.writeRecord(key, value, headers, delta);
  }

  /**
   * Appends one record whose timestamp is `baseTimestamp + timestampDelta` (an integer of
   * milliseconds), as `append` would: the same bytes, the same refusal when it does not fit. For
   * a producer appending many records of one send() time: it hands over a small integer rather
   * than a timestamp, which every call would box. The batch must hold a record already (the first
   * record sets baseTimestamp: use `append`).
   */
  appendWithTimestampDelta(
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    timestampDelta: number,
  ): boolean {
    if (this.count === 0) {
      throw new ProtocolError(
        'the first record of a batch sets its baseTimestamp: append it with append()',
        'Record.timestamp',
      );
    }
    if (!Number.isSafeInteger(timestampDelta) || !Number.isSafeInteger(this.base + timestampDelta)) {
      throw new ProtocolError(
        `timestamp delta ${timestampDelta} from baseTimestamp ${this.base} is not a timestamp within ±(2^53 - 1) milliseconds`,
        'Record.timestamp',
      );
    }
    return this.writeRecord(key, value, headers, timestampDelta);
  }

  /** Writes the record at offset delta `count` with `delta` (a safe integer) from baseTimestamp; see `append`. */
  private writeRecord(
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    delta: number,
  ): boolean {
    const keyLength = lengthOf(key);
    const valueLength = lengthOf(value);
    let body =
      1 +
      sizeOfVarlong(delta) +
      sizeOfVarint(this.count) +
      (key === null ? NULL_LENGTH : sizeOfVarint(keyLength) + keyLength) +
      (value === null ? NULL_LENGTH : sizeOfVarint(valueLength) + valueLength);
    const headerCount = headers === undefined ? 0 : headers.length;
    if (headerCount === 0) body += 1;
    else {
      body += sizeOfVarint(headerCount);
      for (const h of headers!) body += sizeOfBytes(h.key) + sizeOfBytes(h.value);
    }
    const end = this.position + sizeOfVarint(body) + body;
    if (end > this.buf.length) {
      if (this.count > 0) return false;
      this.buf = Buffer.allocUnsafe(end);
    }
    const buf = this.buf;
    let pos = writeVarint(buf, this.position, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, delta);
    pos = writeVarint(buf, pos, this.count);
    pos = writeBytes(buf, pos, key, keyLength);
    pos = writeBytes(buf, pos, value, valueLength);
    if (headerCount === 0) buf[pos++] = 0;
    else {
      pos = writeVarint(buf, pos, headerCount);
      for (const h of headers!) {
        pos = writeBytes(buf, pos, h.key, Buffer.byteLength(h.key, 'utf8'));
        pos = writeBytes(buf, pos, h.value, lengthOf(h.value));
      }
    }
    this.position = pos;
    if (delta > this.maxDelta) this.maxDelta = delta;
    this.count++;
    return true;
  }

  /**
   * The finished batch, synchronously, for every codec but zstd (which throws: use
   * {@link buildAsync}). Uncompressed, the result is a view of the builder's buffer. Can be
   * called again with other fields (a producer re-stamping sequences); the records stay.
   */
  build(fields: BatchSealFields = {}): Buffer {
    this.checkNotEmpty();
    if (this.compression === CompressionType.None) {
      return this.writeHeader(this.buf.subarray(0, this.position), fields);
    }
    const codec = SYNC_CODECS[this.compression];
    if (codec === undefined) {
      throw new ProtocolError(
        `${COMPRESSION_NAMES[this.compression]} compression is asynchronous: use buildAsync()`,
        'RecordBatch.records',
      );
    }
    let compressed: Buffer;
    try {
      compressed = codec.compress(this.recordsSection()) as Buffer;
    } catch (e) {
      throw compressionFailed(this.compression, e);
    }
    return this.withCompressedSection(compressed, fields);
  }

  /** The finished batch; the only way for zstd, and the same bytes as {@link build} for the rest. */
  async buildAsync(fields: BatchSealFields = {}): Promise<Buffer> {
    if (this.compression !== CompressionType.Zstd) return this.build(fields);
    this.checkNotEmpty();
    return this.withCompressedSection(await compress(this.compression, this.recordsSection()), fields);
  }

  private recordsSection(): Buffer {
    return this.buf.subarray(BatchLayout.RECORDS, this.position);
  }

  private withCompressedSection(section: Buffer, fields: BatchSealFields): Buffer {
    const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + section.length);
    batch.set(section, BatchLayout.RECORDS);
    return this.writeHeader(batch, fields);
  }

  private checkNotEmpty(): void {
    if (this.count === 0) throw new ProtocolError('a batch needs at least one record', 'RecordBatch.records');
  }

  private writeHeader(batch: Buffer, fields: BatchSealFields): Buffer {
    writeSafeInt64BE(batch, 0, BatchLayout.BASE_OFFSET);
    batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchLayout.BATCH_LENGTH);
    batch.writeInt32BE(-1, BatchLayout.PARTITION_LEADER_EPOCH);
    batch[BatchLayout.MAGIC] = CURRENT_MAGIC;
    batch.writeInt16BE(
      this.compression | (fields.transactional ? BatchAttributes.TRANSACTIONAL : 0),
      BatchLayout.ATTRIBUTES,
    );
    batch.writeInt32BE(this.count - 1, BatchLayout.LAST_OFFSET_DELTA);
    writeSafeInt64BE(batch, this.base, BatchLayout.BASE_TIMESTAMP);
    writeSafeInt64BE(batch, this.base + this.maxDelta, BatchLayout.MAX_TIMESTAMP);
    if (fields.producerId === undefined || fields.producerId === -1n)
      writeSafeInt64BE(batch, -1, BatchLayout.PRODUCER_ID);
    else batch.writeBigInt64BE(BigInt.asIntN(64, fields.producerId), BatchLayout.PRODUCER_ID);
    batch.writeInt16BE(fields.producerEpoch ?? -1, BatchLayout.PRODUCER_EPOCH);
    batch.writeInt32BE(fields.baseSequence ?? -1, BatchLayout.BASE_SEQUENCE);
    batch.writeInt32BE(this.count, BatchLayout.RECORD_COUNT);
    batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
    return batch;
  }
}

function compressionFailed(type: CompressionType, e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  return new ProtocolError(
    `${COMPRESSION_NAMES[type]} compression failed: ${e instanceof Error ? e.message : String(e)}`,
    'RecordBatch.records',
    { cause: e },
  );
}
