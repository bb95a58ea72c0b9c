import type { PartitionLog } from '@runnel/log-store';
import { validateProducedBatch } from './produced-batch-validation.js';
import type { ProducerStates } from './producer-states.js';

/** Where a produced batch is in its partition. */
export interface ProducedBatchPosition {
  /** Offset of the batch's first record: assigned now, or at its first write when this was a retry. */
  readonly baseOffset: bigint;
  /** The partition's log start offset after the append. */
  readonly logStartOffset: bigint;
}

/**
 * One partition of a Produce request: the batch is validated (CRC included, once), checked
 * against its producer's state, then appended exactly as received — the log patches the
 * assigned baseOffset into these bytes, which are a slice of the request frame, and writes them
 * with no copy and no second CRC — and the producer's state records where it landed. A retry of
 * a batch already written is answered with that batch's offset and not written again.
 *
 * Throws ProduceError when the batch is refused, or the log's KafkaError (RecordTooLargeError
 * for a batch no segment can hold, KafkaStorageError) with nothing appended.
 */
export function appendProducedBatch(
  log: PartitionLog,
  records: Buffer | null,
  version: number,
  producers: ProducerStates,
  nowMs: number,
): ProducedBatchPosition {
  const header = validateProducedBatch(records, version, log.config.maxMessageBytes);
  const state = producers.of(log);
  const original = state.check(header, nowMs);
  if (original !== undefined) {
    return { baseOffset: original.firstOffset, logStartOffset: log.logStartOffset };
  }
  // validateProducedBatch refused null records.
  const { baseOffset } = log.append(records!, { validated: true });
  state.update(header, baseOffset);
  return { baseOffset, logStartOffset: log.logStartOffset };
}
