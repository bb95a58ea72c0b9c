import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionDirName } from '@runnel/log-store';
import { decodeRecordBatch, RecordBatchIterator } from '@runnel/protocol';
import type { LogRecord } from './history.js';

/**
 * One replica's log of `topic`-`partition`, read from the segment files of a broker's data
 * directory (`<dataDir>/<topic>-<partition>/*.log`, in base offset order) after the broker
 * stopped: every record's offset and value. Followers refuse consumers' fetches, so this is how
 * the checker sees a follower's copy; reading the files leaves them as they are.
 *
 * A torn trailing batch (a SIGKILL mid-write) ends a segment's records, as recovery would cut it.
 */
export async function readReplicaLog(
  dataDir: string,
  topic: string,
  partition: number,
): Promise<LogRecord[]> {
  const dir = join(dataDir, partitionDirName(topic, partition));
  if (!existsSync(dir)) return [];
  const segments = readdirSync(dir)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .sort();
  const records: LogRecord[] = [];
  for (const segment of segments) {
    for (const raw of new RecordBatchIterator(readFileSync(join(dir, segment)))) {
      const batch = await decodeRecordBatch(raw.bytes, 0, { verifyCrc: false });
      if (batch.isControl) continue;
      const { producerId, producerEpoch, baseSequence, baseOffset, partitionLeaderEpoch } = batch.header;
      for (const record of batch.records) {
        const producer = {
          id: producerId,
          epoch: producerEpoch,
          sequence: baseSequence + Number(record.offset - baseOffset),
          leaderEpoch: partitionLeaderEpoch,
        };
        records.push({ offset: record.offset, value: record.value?.toString() ?? '', producer });
      }
    }
  }
  return records;
}
