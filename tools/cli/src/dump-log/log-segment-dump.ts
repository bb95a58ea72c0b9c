import {
  BatchAttributes,
  type BatchHeader,
  COMPRESSION_NAMES,
  type CompressionType,
  decodeRecordBatch,
  lastOffset,
  readBatchHeader,
  verifyBatch,
} from '@runnel/protocol';

export interface DumpedRecord {
  offset: bigint;
  timestamp: bigint;
  keySize: number;
  valueSize: number;
  headerKeys: string[];
  key: string | null;
  payload: string | null;
}

export interface DumpedBatch {
  position: number;
  baseOffset: bigint;
  lastOffset: bigint;
  count: number;
  baseSequence: number;
  producerId: bigint;
  producerEpoch: number;
  partitionLeaderEpoch: number;
  isTransactional: boolean;
  isControl: boolean;
  timestampType: 'CreateTime' | 'LogAppendTime';
  maxTimestamp: bigint;
  size: number;
  magic: number;
  compression: string;
  crc: number;
  /** The stored CRC equals the CRC-32C computed over the batch. */
  isValid: boolean;
  records?: DumpedRecord[];
}

export interface LogDump {
  batches: DumpedBatch[];
  /** Bytes of whole batches, from the start of the file. */
  validBytes: number;
  /** What ends the file short of a whole batch (a torn tail, or a live append caught mid-write), or null. */
  invalidTail: string | null;
}

/**
 * Walks the batches of a segment's `.log` bytes, as kafka-dump-log.sh does: every batch header, its
 * CRC checked (a batch whose CRC does not match is listed with `isValid: false` and the walk goes
 * on, since its length field still frames it), and with `records` every record decoded. The walk
 * stops at bytes that cannot frame a batch: a partial batch at the end, or a batchLength below the
 * header size, and says what it found there.
 */
export async function dumpLogSegment(buf: Buffer, options: { records: boolean }): Promise<LogDump> {
  const batches: DumpedBatch[] = [];
  let position = 0;
  while (position < buf.length) {
    let header: BatchHeader;
    try {
      header = readBatchHeader(buf, position);
    } catch (err) {
      return { batches, validBytes: position, invalidTail: tail(buf, position, (err as Error).message) };
    }
    if (position + header.sizeInBytes > buf.length) {
      return {
        batches,
        validBytes: position,
        invalidTail: tail(
          buf,
          position,
          `the batch there is ${header.sizeInBytes} bytes but only ${buf.length - position} remain`,
        ),
      };
    }
    const bytes = buf.subarray(position, position + header.sizeInBytes);
    const isValid = crcMatches(bytes);
    const batch = describeBatch(header, position, isValid);
    if (options.records && isValid) batch.records = await dumpRecords(bytes);
    batches.push(batch);
    position += header.sizeInBytes;
  }
  return { batches, validBytes: position, invalidTail: null };
}

function tail(buf: Buffer, position: number, why: string): string {
  return `${buf.length - position} invalid bytes at position ${position} (of ${buf.length}): ${why}`;
}

function crcMatches(bytes: Buffer): boolean {
  try {
    verifyBatch(bytes, 0);
    return true;
  } catch {
    return false;
  }
}

function describeBatch(h: BatchHeader, position: number, isValid: boolean): DumpedBatch {
  return {
    position,
    baseOffset: h.baseOffset,
    lastOffset: lastOffset(h),
    count: h.recordCount,
    baseSequence: h.baseSequence,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    isTransactional: (h.attributes & BatchAttributes.TRANSACTIONAL) !== 0,
    isControl: (h.attributes & BatchAttributes.CONTROL) !== 0,
    timestampType: h.attributes & BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: h.maxTimestamp,
    size: h.sizeInBytes,
    magic: h.magic,
    compression:
      COMPRESSION_NAMES[(h.attributes & BatchAttributes.COMPRESSION_MASK) as CompressionType] ?? 'unknown',
    crc: h.crc,
    isValid,
  };
}

async function dumpRecords(bytes: Buffer): Promise<DumpedRecord[]> {
  const batch = await decodeRecordBatch(bytes, 0, { verifyCrc: false });
  return batch.records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    keySize: r.key?.length ?? -1,
    valueSize: r.value?.length ?? -1,
    headerKeys: r.headers.map((h) => h.key),
    key: r.key?.toString('utf8') ?? null,
    payload: r.value?.toString('utf8') ?? null,
  }));
}

/** kafka-dump-log.sh's line for a batch. */
export function formatBatch(b: DumpedBatch): string {
  const lastSequence = b.baseSequence < 0 ? -1 : b.baseSequence + Number(b.lastOffset - b.baseOffset);
  return (
    `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.count} baseSequence: ${b.baseSequence} ` +
    `lastSequence: ${lastSequence} producerId: ${b.producerId} producerEpoch: ${b.producerEpoch} ` +
    `partitionLeaderEpoch: ${b.partitionLeaderEpoch} isTransactional: ${b.isTransactional} isControl: ${b.isControl} ` +
    `position: ${b.position} ${b.timestampType}: ${b.maxTimestamp} size: ${b.size} magic: ${b.magic} ` +
    `compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.isValid}\n`
  );
}

/** kafka-dump-log.sh --print-data-log's line for a record. */
export function formatRecord(r: DumpedRecord, timestampType: string): string {
  return (
    `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize} ` +
    `headerKeys: [${r.headerKeys.join(',')}] key: ${r.key ?? ''} payload: ${r.payload ?? ''}\n`
  );
}
