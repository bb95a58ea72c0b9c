import { decodeGroupRecord, type GroupRecord } from '@runnel/coordinator';
import type { PartitionLog } from '@runnel/log-store';
import { decodeRecordBatch, RecordBatchIterator } from '@runnel/protocol';

/** How many bytes one read of a `__consumer_offsets` partition asks for while replaying. */
const REPLAY_READ_BYTES = 1024 * 1024;

/**
 * Every group record of the given `__consumer_offsets` partitions, each partition read from its
 * log start offset to its high watermark, in log order: what `GroupCoordinator.load` rebuilds the
 * groups from. A group lives in one partition, so the order between partitions does not matter.
 * Control batches carry no group records and are skipped; a record that does not decode stops the
 * start (the broker does not guess past a corrupt offsets log).
 */
export async function readGroupRecords(partitionLogs: readonly PartitionLog[]): Promise<GroupRecord[]> {
  const records: GroupRecord[] = [];
  for (const log of partitionLogs) {
    let offset = log.logStartOffset;
    while (offset < log.highWatermark) {
      const { records: bytes } = log.read(offset, REPLAY_READ_BYTES);
      if (bytes.length === 0) break;
      const batches = new RecordBatchIterator(bytes);
      for (const raw of batches) {
        const batch = await decodeRecordBatch(raw.bytes, 0, { verifyCrc: false });
        if (!batch.isControl) {
          for (const record of batch.records) {
            // Batches are read whole from the one holding `offset`: skip what was already seen.
            if (record.offset < offset || record.key === null) continue;
            records.push(
              decodeGroupRecord(Buffer.from(record.key), record.value && Buffer.from(record.value)),
            );
          }
        }
        offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
      }
      if (batches.bytesConsumed === 0) break;
    }
  }
  return records;
}
