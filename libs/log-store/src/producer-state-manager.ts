import { BatchAttributes, type BatchHeader } from '@runnel/protocol';
import { InvalidProducerEpochError, OutOfOrderSequenceError } from './errors.js';

/** Kafka's RecordBatch.NO_PRODUCER_EPOCH and NO_SEQUENCE: the header values of a non-idempotent batch. */
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

/**
 * Batches remembered per producer (Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN): idempotent
 * producers keep at most 5 requests in flight per partition, so a retry is always of one of them.
 */
export const BATCHES_TO_RETAIN = 5;

const MAX_SEQUENCE = 0x7fffffff;

/** The header fields producer state is kept from (a ValidatedBatch and a BatchHeader have them). */
export type ProducerBatchHeader = Pick<
  BatchHeader,
  'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'maxTimestamp' | 'attributes'
>;

/** A batch a producer wrote to this partition: its sequence range and where it landed. */
export interface BatchMetadata {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
}

/** What is kept of one producer (Kafka's ProducerStateEntry), as snapshots store it. */
export interface ProducerEntry {
  epoch: number;
  /** The last BATCHES_TO_RETAIN batches of `epoch`, oldest first. */
  batches: BatchMetadata[];
  /** maxTimestamp of the producer's last batch (ms), what expiry is measured from, as in Kafka. */
  lastTimestamp: number;
}

/**
 * Sequence of the last record of a batch: sequences are int32 and wrap from 2^31-1 to 0
 * (Kafka's DefaultRecordBatch.incrementSequence).
 */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta
    ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

function inSequence(lastSequence: number, nextSequence: number): boolean {
  return nextSequence === lastSequence + 1 || (nextSequence === 0 && lastSequence === MAX_SEQUENCE);
}

/**
 * Idempotent-producer state of one partition log (Kafka's ProducerStateManager without
 * transactions): per producer id, its epoch and the sequence ranges and offsets of its last
 * BATCHES_TO_RETAIN batches. Pure: no I/O, time is passed in. The log keeps it equal to its
 * batches: `PartitionLog.append` calls `update` for every batch it writes, and at open the state
 * is loaded from the latest `.snapshot` and the batches after it (see ProducerStateLoader).
 *
 * `check` decides what to do with a client's batch before it is appended, as Kafka's
 * UnifiedLog.analyzeAndValidateProducerState and ProducerAppendInfo do:
 * 1. same epoch and the same sequence range as a remembered batch: a retry of it. The batch
 *    must not be written again; the producer is answered NONE with the original base offset.
 * 2. an unknown producer id: accepted whatever its sequence (Kafka 2.5+, KIP-360: the producer's
 *    batches may all have been removed by retention or DeleteRecords, and it must be able to go
 *    on; UNKNOWN_PRODUCER_ID is no longer returned).
 * 3. an epoch below the producer's: INVALID_PRODUCER_EPOCH (47), which Kafka sends instead of
 *    PRODUCER_FENCED since 2.7 so producers can recover.
 * 4. a higher epoch (the producer bumped it): its first batch must start at sequence 0, else
 *    OUT_OF_ORDER_SEQUENCE_NUMBER (45).
 * 5. the same epoch: baseSequence must follow the last batch's last sequence (wrapping at
 *    2^31-1), else OUT_OF_ORDER_SEQUENCE_NUMBER (45); that also covers retries of batches older
 *    than the remembered ones.
 * `update` records a batch once appended, and is also how state is replayed from batch headers,
 * where nothing is checked: the log holds what was accepted.
 */
export class ProducerStateManager {
  private readonly producers: Map<bigint, ProducerEntry>;

  constructor(
    /** The log directory, named in refusals. */
    private readonly dir: string,
    producers: Iterable<[bigint, ProducerEntry]> = [],
  ) {
    this.producers = new Map(producers);
  }

  /** Producers with state here. */
  get producerCount(): number {
    return this.producers.size;
  }

  /** Every producer's entry, in the order they were first seen (what a snapshot stores). */
  entries(): IterableIterator<[bigint, Readonly<ProducerEntry>]> {
    return this.producers.entries();
  }

  /**
   * What to do with `batch` from a client: undefined when it may be appended, the original
   * batch when it is a retry of one already written; throws OutOfOrderSequenceError or
   * InvalidProducerEpochError when it is refused. Batches without a producer id (-1) are not
   * idempotent and always pass.
   */
  check(batch: ProducerBatchHeader): BatchMetadata | undefined {
    if (batch.producerId < 0n) return undefined;
    const entry = this.producers.get(batch.producerId);
    if (entry === undefined || entry.epoch === NO_PRODUCER_EPOCH) return undefined;
    const { producerId, producerEpoch, baseSequence } = batch;
    if (producerEpoch === entry.epoch) {
      const lastSequence = lastSequenceOf(baseSequence, batch.lastOffsetDelta);
      const retried = entry.batches.find(
        (b) => b.firstSequence === baseSequence && b.lastSequence === lastSequence,
      );
      if (retried) return retried;
    }
    if (producerEpoch < entry.epoch) {
      throw new InvalidProducerEpochError(
        this.dir,
        `Epoch of producer ${producerId} is ${producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      );
    }
    if (producerEpoch > entry.epoch) {
      if (baseSequence !== 0) {
        throw new OutOfOrderSequenceError(
          this.dir,
          `Invalid sequence number for new epoch ${producerEpoch} of producer ${producerId}: ${baseSequence} (must be 0; current epoch ${entry.epoch})`,
        );
      }
      return undefined;
    }
    const lastSequence = entry.batches.at(-1)?.lastSequence ?? NO_SEQUENCE;
    if (!inSequence(lastSequence, baseSequence)) {
      throw new OutOfOrderSequenceError(
        this.dir,
        `Out of order sequence number for producer ${producerId}: ${baseSequence} (incoming seq. number), ${lastSequence} (current end sequence number)`,
      );
    }
    return undefined;
  }

  /** Records `batch`, appended at `baseOffset`. A new epoch starts the producer's batch list afresh. */
  update(batch: ProducerBatchHeader, baseOffset: bigint): void {
    if (batch.producerId < 0n) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined) {
      entry = { epoch: batch.producerEpoch, batches: [], lastTimestamp: 0 };
      this.producers.set(batch.producerId, entry);
    }
    if (entry.epoch !== batch.producerEpoch) {
      entry.epoch = batch.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = Number(batch.maxTimestamp);
    if ((batch.attributes & BatchAttributes.CONTROL) !== 0) return;
    if (entry.batches.length === BATCHES_TO_RETAIN) entry.batches.shift();
    entry.batches.push({
      firstSequence: batch.baseSequence,
      lastSequence: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset: baseOffset,
      lastOffset: baseOffset + BigInt(batch.lastOffsetDelta),
    });
  }

  /**
   * Forgets producers whose last batch is `expirationMs` or more older than `nowMs` (Kafka's
   * `producer.id.expiration.ms`), so state does not grow with every producer that ever wrote.
   * Returns how many were forgotten.
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers) {
      if (nowMs - entry.lastTimestamp >= expirationMs) {
        this.producers.delete(producerId);
        removed++;
      }
    }
    return removed;
  }
}
