import { decodeGroupRecord, type GroupRecord } from '@runnel/coordinator';
import type { PartitionLog } from '@runnel/log-store';
import { decodeRecordBatch, RecordBatchIterator } from '@runnel/protocol';

/** How many bytes one read of a `__consumer_offsets` partition asks for while replaying. */
const REPLAY_READ_BYTES = 1024 * 1024;

/**
 * Every group record of the given `__consumer_offsets` partitions, each partition read from its
 * log start offset to its high watermark, in log order: what `GroupCoordinator.load` rebuilds the
 * groups from on a single broker. A group lives in one partition, so the order between partitions
 * does not matter.
 */
export async function readGroupRecords(partitionLogs: readonly PartitionLog[]): Promise<GroupRecord[]> {
  const records: GroupRecord[] = [];
  for (const log of partitionLogs) records.push(...(await readPartitionGroupRecords(log, log.highWatermark)));
  return records;
}

/**
 * The group records of one `__consumer_offsets` partition from its log start offset up to
 * `upTo` (exclusive), in log order. A cluster's new leader of the partition replays it up to its
 * log end (as Kafka's GroupMetadataManager loads up to the log end offset): what it has above the
 * high watermark it got from the previous leader, and as the leader it now keeps it. Control
 * batches carry no group records and are skipped; a record that does not decode rejects (the
 * broker does not guess past a corrupt offsets log).
 */
export async function readPartitionGroupRecords(log: PartitionLog, upTo: bigint): Promise<GroupRecord[]> {
  const records: GroupRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < upTo) {
    const { records: bytes } = await log.readAsync(offset, REPLAY_READ_BYTES, true);
    if (bytes.length === 0) break;
    const batches = new RecordBatchIterator(bytes);
    for (const raw of batches) {
      const batch = await decodeRecordBatch(raw.bytes, 0, { verifyCrc: false });
      if (batch.header.baseOffset >= upTo) return records;
      if (!batch.isControl) {
        for (const record of batch.records) {
          // Batches are read whole from the one holding `offset`: skip what was already seen.
          if (record.offset < offset || record.offset >= upTo || record.key === null) continue;
          records.push(decodeGroupRecord(Buffer.from(record.key), record.value && Buffer.from(record.value)));
        }
      }
      offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
    }
    if (batches.bytesConsumed === 0) break;
  }
  return records;
}
