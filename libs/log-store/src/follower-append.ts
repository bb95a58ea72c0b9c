import { BatchLayout, LOG_OVERHEAD } from '@runnel/protocol';
import { InvalidRecordError } from './errors.js';

/**
 * Appends a leader's batches to a follower's log (PartitionLog.appendAsFollower): `records` is
 * whole batches back to back, as a Fetch returned them; each must start at the log end offset,
 * and is handed to `append` as it is (offsets and leader epochs are the leader's). A cut last
 * batch (never sent by this broker) is left for the next fetch. Throws InvalidRecordError at the
 * first batch that does not start at the log end, with the batches before it appended.
 */
export function appendAsFollower(
  dir: string,
  records: Buffer,
  logEndOffset: () => bigint,
  append: (batch: Buffer) => void,
): void {
  let position = 0;
  while (position + LOG_OVERHEAD <= records.length) {
    const size = records.readInt32BE(position + BatchLayout.BATCH_LENGTH) + LOG_OVERHEAD;
    if (position + size > records.length) break;
    const bytes = records.subarray(position, position + size);
    const baseOffset = bytes.readBigInt64BE(BatchLayout.BASE_OFFSET);
    if (baseOffset !== logEndOffset()) {
      throw new InvalidRecordError(
        dir,
        `a replicated batch starts at offset ${baseOffset}, not at the log end offset ${logEndOffset()}`,
      );
    }
    append(bytes);
    position += size;
  }
}
