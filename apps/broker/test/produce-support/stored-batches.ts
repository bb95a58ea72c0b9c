import { join } from 'node:path';
import { PartitionLog, partitionDirName } from '@runnel/log-store';
import { decodeRecordBatches, type RecordBatch } from '@runnel/protocol';

/**
 * Every batch of partition `topic`-`partition` in `dataDir`, decoded (CRC checked, records
 * decompressed), read straight from the log files a stopped broker left: what produce wrote,
 * seen without going through any other handler.
 */
export async function readStoredBatches(
  dataDir: string,
  topic: string,
  partition: number,
): Promise<RecordBatch[]> {
  const log = PartitionLog.open(join(dataDir, partitionDirName(topic, partition)));
  try {
    const batches: RecordBatch[] = [];
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, 1024 * 1024);
      const { batches: read } = await decodeRecordBatches(records);
      batches.push(...read);
      const last = read.at(-1)!.header;
      offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
    }
    return batches;
  } finally {
    await log.close();
  }
}

/** The records of `batches` as `{ offset, key, value }` strings, for comparisons. */
export function recordsOf(
  batches: readonly RecordBatch[],
): { offset: bigint; key: string | null; value: string }[] {
  return batches.flatMap((batch) =>
    batch.records.map(({ offset, key, value }) => ({
      offset,
      key: key?.toString() ?? null,
      value: value?.toString() ?? '',
    })),
  );
}
