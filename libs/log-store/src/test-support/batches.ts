import { CompressionType, decodeRecordBatches, encodeRecordBatch } from '@runnel/protocol';
import type { PartitionLog } from '../partition-log.js';

export interface TestRecord {
  key?: string | null;
  /** null for a tombstone. */
  value: string | null;
  timestamp?: bigint;
}

/** Encodes one RecordBatch v2 (baseOffset 0, as a producer sends it). */
export function batchOf(
  records: readonly TestRecord[],
  options: { compression?: CompressionType; timestamp?: bigint } = {},
): Promise<Buffer> {
  const timestamp = options.timestamp ?? 1_700_000_000_000n;
  return encodeRecordBatch({
    compression: options.compression ?? CompressionType.None,
    records: records.map((r) => ({
      key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: r.timestamp ?? timestamp,
    })),
  });
}

/** A batch of `count` records whose values are `${prefix}${i}`, padded to make the batch about `recordBytes` per record. */
export function batchOfSize(
  count: number,
  recordBytes: number,
  prefix = 'v',
  timestamp?: bigint,
): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) => ({
    value: `${prefix}${i}`.padEnd(recordBytes, '.'),
  }));
  return batchOf(records, timestamp === undefined ? {} : { timestamp });
}

export interface ReadRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
  timestamp: bigint;
}

/** Every record of the log from `from`, read with reads of `maxBytes`, as a consumer would. */
export async function readAll(
  log: PartitionLog,
  from = log.logStartOffset,
  maxBytes = 64 * 1024,
): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const { records } = log.read(offset, maxBytes);
    if (records.length === 0) break;
    const { batches, bytesConsumed } = await decodeRecordBatches(records);
    if (bytesConsumed !== records.length) throw new Error(`read returned a partial batch at ${offset}`);
    for (const batch of batches) {
      for (const r of batch.records) {
        if (r.offset < offset) continue;
        out.push({
          offset: r.offset,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
          timestamp: r.timestamp,
        });
      }
      offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
    }
  }
  return out;
}
