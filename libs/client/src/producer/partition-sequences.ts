import type { ProducerBatch } from './producer-batch.js';

/** What a partition's sequences read of its queue (a PartitionQueue of the RecordAccumulator). */
export interface SequencedQueue {
  /** Closed batches not in flight, in the order they must be sent. */
  readonly queued: readonly ProducerBatch[];
  /** Batches of this partition in requests not yet answered. */
  readonly inFlight: number;
}

/** int32 sequences wrap from 2^31 - 1 to 0, as Kafka's DefaultRecordBatch.incrementSequence. */
function nextSequenceAfter(sequence: number, records: number): number {
  return (sequence + records) % 0x80000000;
}

/**
 * The idempotent producer's bookkeeping for one partition: the producer id and epoch its
 * sequences belong to, the sequences assigned and acknowledged, and what the partition waits for
 * after one of its batches came back, failed or expired. The RecordAccumulator reports each
 * batch's fate here; the Sender assigns sequences and gives producer ids.
 *
 * Invariants: a sealed batch (one with `bytes`) is only ever sent again under `producerId` and
 * `producerEpoch`; a batch that may be in the log under one producer id is never numbered again
 * under another; a broker takes a producer's sequences only in order, so a batch acknowledged
 * means every sequence before it is in the log, and a batch behind a gap was not written.
 */
export class PartitionSequences {
  /**
   * A batch came back for a retry, so the batches sent after it will come back too (the broker
   * refuses them as out of order); nothing is sent until they all have, and then in sequence order.
   */
  holdUntilInFlightReturns = false;
  /**
   * A batch was refused for good (definitely not written), so the sequences after it must be
   * assigned again, under the same producer id.
   */
  resequenceWhenIdle = false;
  /**
   * The producer id and epoch this partition's sequences belong to (-1: none yet; the first batch
   * sealed takes the Sender's). A sealed batch is only ever sent again under them.
   */
  producerId = -1n;
  producerEpoch = -1;
  /**
   * `order` of the latest sent batch that expired, or failed for good other than by a refusal for
   * good, so may be in the log (-1: none). Whether its sequences are in the log is unknown until a
   * batch sealed after it is answered under the same producer id: acknowledged, it was (a broker
   * takes a producer's sequences only in order); out of order, it was not. Until then only sealed
   * batches are sent, one at a time, and none is numbered again.
   */
  unresolvedOrder = -1;
  /**
   * The sequences cannot go on under this producer id (a gap the broker will never fill, or a
   * broker that lost the producer's state), and no batch still queued or in flight is in the log
   * under it. Nothing is sent until the Sender gives the partition a producer id it never used
   * (`adopt`), under which the queued batches are numbered from 0.
   */
  needsProducerId = false;
  /** Sequence the next sealed batch starts at. */
  nextSequence = 0;
  /** Last sequence a broker acknowledged (-1: none). */
  lastAckedSequence = -1;

  constructor(private readonly queue: SequencedQueue) {}

  /**
   * Whether the partition may send nothing now: it waits for a producer id, or for its batches in
   * flight to come back before the next is sent.
   */
  get holdsSends(): boolean {
    if (this.needsProducerId) return true;
    return (
      this.queue.inFlight > 0 &&
      (this.holdUntilInFlightReturns || this.resequenceWhenIdle || this.unresolvedOrder !== -1)
    );
  }

  /** The base sequence of a batch of `records` sealed now; the next one starts after it. */
  assign(records: number): number {
    const baseSequence = this.nextSequence;
    this.nextSequence = nextSequenceAfter(baseSequence, records);
    return baseSequence;
  }

  /** `batch`, sealed, was acknowledged: so was every sequence before it, unresolved ones too. */
  acknowledged(batch: ProducerBatch): void {
    this.lastAckedSequence = batch.baseSequence + batch.recordCount - 1;
    if (batch.order > this.unresolvedOrder) this.unresolvedOrder = -1;
  }

  /**
   * `batch`, sealed, will not be sent again: its sequences are a gap, unresolved when
   * `maybeWritten`, known otherwise.
   */
  leaveGap(batch: ProducerBatch, maybeWritten: boolean): void {
    if (maybeWritten) this.unresolvedOrder = Math.max(this.unresolvedOrder, batch.order);
    else this.resequenceWhenIdle = true;
  }

  /**
   * `batch`, in flight, was refused as out of order. True when that is definite: it is the only
   * batch of its partition in flight and the first still to be acknowledged after an unresolved
   * one, so the unresolved batch is not in the log, nor is this one or any sealed after it, and
   * under this producer id they never will be: the partition then needs a new producer id.
   * False when it may be only behind an earlier batch coming back (to be sent again as it is).
   */
  outOfOrderIsDefinite(batch: ProducerBatch): boolean {
    if (this.unresolvedOrder === -1 || this.queue.inFlight !== 1) return false;
    const head = this.queue.queued[0];
    if (head !== undefined && head.order < batch.order) return false;
    this.needsProducerId = true;
    return true;
  }

  /**
   * The sequences cannot go on under this producer id: the partition is refused as out of order
   * at the sequence after the last one acknowledged (the broker lost the producer's state).
   */
  lostProducerState(): void {
    this.needsProducerId = true;
  }

  /**
   * The partition takes a producer id it never used: its first, or a new one once it
   * needsProducerId and nothing is in flight. No batch still queued is in the log under the old
   * one, so all are numbered from 0 under the new.
   */
  adopt(producerId: bigint, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.nextSequence = 0;
    this.lastAckedSequence = -1;
    this.holdUntilInFlightReturns = false;
    this.resequenceWhenIdle = false;
    this.unresolvedOrder = -1;
    this.needsProducerId = false;
    for (const b of this.queue.queued) {
      b.bytes = undefined;
      b.baseSequence = -1;
      b.maybeWritten = false;
    }
  }

  /** A batch of the partition came back, completed or was discarded: settles what waited for it. */
  afterReturn(): void {
    const { queued, inFlight } = this.queue;
    if (inFlight > 0) return;
    this.holdUntilInFlightReturns = false;
    if (this.needsProducerId) return;
    if (this.unresolvedOrder !== -1) {
      // Queued in order, sealed batches first: a sealed head goes next, alone, under the same
      // producer id, and its answer tells. With none left, nothing can: a new producer id, as
      // Kafka bumps its epoch once a partition's unresolved sequences stay unresolved.
      if (queued[0]?.bytes === undefined) this.needsProducerId = true;
      return;
    }
    if (this.resequenceWhenIdle) {
      // Nothing of this partition is in flight and no gap is unresolved: the broker holds the
      // sequences up to lastAckedSequence and at most those of the queued batches before the
      // first gap, which keep their very sequences when all are numbered again from there; the
      // batches behind a gap were not written (a broker takes a producer's sequences in order).
      this.resequenceWhenIdle = false;
      this.nextSequence = this.lastAckedSequence + 1;
      for (const b of queued) {
        b.bytes = undefined;
        b.baseSequence = -1;
      }
    }
  }
}
