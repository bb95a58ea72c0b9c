import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AppendResult, type LogOptions, PartitionLog, partitionDirName } from '@runnel/log-store';
import { encodeRecordBatch, type RecordBatchInput } from '@runnel/protocol';

/** One batch as the log stored it: its bytes (base offset assigned) and its offsets. */
export interface StoredBatch extends AppendResult {
  readonly bytes: Buffer;
}

/**
 * Writes record batches into `<dataDir>/<topic>-<partition>` before a broker starts on
 * `dataDir`, which then adopts the partition directory as a topic (as it does with logs an older
 * run left). For states no client can produce through the broker yet: a log start offset above 0
 * (`deleteBefore`) or many small segments (`segmentBytes`). The log is closed cleanly afterwards.
 */
export async function writePartition(
  dataDir: string,
  topic: string,
  partition: number,
  batches: readonly RecordBatchInput[],
  options: { segmentBytes?: number; deleteBefore?: bigint } = {},
): Promise<StoredBatch[]> {
  const logOptions: LogOptions = options.segmentBytes ? { segmentBytes: options.segmentBytes } : {};
  const log = PartitionLog.open(join(dataDir, partitionDirName(topic, partition)), logOptions);
  try {
    const stored: StoredBatch[] = [];
    for (const input of batches) {
      const bytes = await encodeRecordBatch(input);
      stored.push({ bytes, ...log.append(bytes) });
    }
    if (options.deleteBefore !== undefined) log.deleteRecordsBefore(options.deleteBefore);
    return stored;
  } finally {
    await log.close();
  }
}

/**
 * Puts a directory where the partition's first segment file is, so its log fails to open: the
 * next broker started on `dataDir` keeps the partition offline. A broker must have adopted the
 * partition as a topic before (a log that cannot be opened is not adopted).
 */
export function makeUnopenable(dataDir: string, topic: string, partition: number): void {
  const segment = join(dataDir, partitionDirName(topic, partition), '00000000000000000000.log');
  rmSync(segment);
  mkdirSync(segment);
}

/** `count` records `<prefix>-<i>` (value) keyed `k<i>`, timestamps `firstTimestamp + i`. */
export function numberedRecords(prefix: string, count: number, firstTimestamp: number): RecordBatchInput {
  return {
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`${prefix}-${i}`),
      timestamp: firstTimestamp + i,
    })),
  };
}
