import type { PartitionLog } from '@runnel/log-store';
import { ErrorCode } from '@runnel/protocol';
import { ProduceError } from './produce-error.js';
import type { ProducerStates } from './producer-states.js';

/** Produce v7 is the first whose records may be zstd-compressed (KIP-110). */
const FIRST_ZSTD_VERSION = 7;

/** Where a produced batch is in its partition. */
export interface ProducedBatchPosition {
  /** Offset of the batch's first record: assigned now, or at its first write when this was a retry. */
  readonly baseOffset: bigint;
  /** The partition's log start offset after the append. */
  readonly logStartOffset: bigint;
}

/**
 * One partition of a Produce request: the batch is validated once by the log it goes to
 * (`PartitionLog.validate`: framing, magic, codec, CRC, sizes, the fields producers may send;
 * see log-store's LogValidator for the codes), checked against its producer's state, then
 * appended exactly as received: the log patches the assigned baseOffset into these bytes, which
 * are a slice of the request frame, and writes them with no copy and no second check. A retry of
 * a batch already written is answered with that batch's offset and not written again.
 *
 * Throws ProduceError for null records (INVALID_RECORD), or the log's KafkaError with nothing
 * appended: an InvalidBatchError (the batch's own checks, or OUT_OF_ORDER_SEQUENCE_NUMBER /
 * INVALID_PRODUCER_EPOCH from the producer state), KafkaStorageError.
 */
export function appendProducedBatch(
  log: PartitionLog,
  records: Buffer | null,
  version: number,
  producers: ProducerStates,
  nowMs: number,
  leaderEpoch?: number,
): ProducedBatchPosition {
  if (records === null) {
    throw new ProduceError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} must have at least one record batch per partition (got null records)`,
    );
  }
  const batch = log.validate(records, { origin: 'client', zstdAllowed: version >= FIRST_ZSTD_VERSION });
  const original = producers.of(log, nowMs).check(batch);
  if (original !== undefined) {
    return { baseOffset: original.firstOffset, logStartOffset: log.logStartOffset };
  }
  // The log records the batch in its producer state as it appends it; a cluster's leader stamps
  // its leader epoch in the batch, which followers copy as it is.
  const { baseOffset } = log.append(batch, leaderEpoch);
  return { baseOffset, logStartOffset: log.logStartOffset };
}
