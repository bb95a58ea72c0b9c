import type { CompressionType, RecordBytes, RecordHeaderInput } from '@runnel/protocol';
import { BATCH_HEADER_SIZE, RECORD_OVERHEAD_BOUND, sizeOfRecordPayload } from '@runnel/protocol';
import type { BufferPool } from './buffer-pool.js';
import { PartitionSequences } from './partition-sequences.js';
import type { PendingSend } from './pending-send.js';
import { ProducerBatch } from './producer-batch.js';

export interface AccumulatorOptions {
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly compression: CompressionType;
  readonly idempotent: boolean;
}

/** What `append` did with a record. */
export const AppendResult = {
  APPENDED: 0,
  /** The open batch was full and the caller asked to hear of it: it was closed, nothing appended. */
  NEW_BATCH_NEEDED: 1,
  /** A new batch needs `neededBytes` of buffer memory that are not free now; nothing appended. */
  MEMORY_NEEDED: 2,
} as const;
export type AppendResult = (typeof AppendResult)[keyof typeof AppendResult];

/**
 * One partition's batches: at most one open batch, then the closed ones in the order they must be
 * sent (by sequence when idempotent), and the idempotent producer's sequence state (`sequences`).
 */
export class PartitionQueue {
  open: ProducerBatch | undefined;
  readonly queued: ProducerBatch[] = [];
  /** Batches of this partition in requests not yet answered. */
  inFlight = 0;
  readonly sequences = new PartitionSequences(this);
  /** Batches opened so far: the next batch's `order`. */
  batchesOpened = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The batch that would be sent next, if any. */
  get head(): ProducerBatch | undefined {
    return this.queued[0] ?? this.open;
  }
}

/**
 * Kafka's RecordAccumulator: one open batch per partition, closed when a record no longer fits
 * `batchSize` or when it is drained after `lingerMs` (or at once while flushing); `drain` hands
 * a broker's Sender at most one batch per partition it leads, Kafka's rule that keeps a request's
 * batches for one partition in order. Every batch reserves its capacity in the BufferPool until
 * it completes.
 *
 * Pure bookkeeping, synchronous, no timers: the Producer calls `append` from send(), the Sender
 * calls `ready` and `drain` when something may have changed (an append that closed a batch, a
 * response, a timer the Producer set from `ready`'s `nextCheckMs`).
 */
export class RecordAccumulator {
  private readonly topics = new Map<string, PartitionQueue[]>();
  private readonly incomplete = new Set<ProducerBatch>();
  private readonly flushWaiters: { batches: Set<ProducerBatch>; resolve: () => void }[] = [];
  private flushing = 0;
  /** Bytes the last MEMORY_NEEDED append needs. */
  neededBytes = 0;
  /**
   * The batch completed last, kept until the next one completes (see `release`); with it its
   * builder, its last send() call and that call's results stay reachable.
   */
  lastReleased: ProducerBatch | undefined;

  constructor(
    private readonly options: AccumulatorOptions,
    private readonly pool: BufferPool,
    /** Called whenever a batch is closed (the partitioner's onNewBatch). */
    private readonly onBatchClosed: (topic: string, partition: number) => void,
  ) {}

  /** Batches not yet completed. */
  get incompleteCount(): number {
    return this.incomplete.size;
  }

  queue(topic: string, partition: number): PartitionQueue {
    return this.partitionsOf(topic, partition + 1)[partition]!;
  }

  /**
   * The queues of `topic`'s partitions 0 .. at least `partitionCount` - 1, all made the first
   * time: one packed array, of one shape whatever order records reach the partitions in. A
   * send() takes them once, so the per-record path has no branch for a topic or partition seen
   * for the first time (a branch first taken after the engine compiled that path throws the
   * compiled code away).
   */
  partitionsOf(topic: string, partitionCount: number): readonly PartitionQueue[] {
    const queues = this.topics.get(topic);
    if (queues !== undefined && queues.length >= partitionCount) return queues;
    const grown = queues ?? [];
    for (let p = grown.length; p < partitionCount; p++) grown.push(new PartitionQueue(topic, p));
    this.topics.set(topic, grown);
    return grown;
  }

  /**
   * Appends record `index` of `send` to the open batch of `q` (a queue from `partitionsOf`), or to
   * a new one; its timestamp is `nowMs + timestampOffset` (see ProducerBatch.tryAppend for why it
   * travels so). With
   * `abortOnNewBatch` (a keyless record the partitioner placed), a full open batch is closed and
   * NEW_BATCH_NEEDED returned, so the caller can place the record again after onNewBatch, as Kafka's
   * sticky partitioning does; otherwise a new batch is opened, if its memory is free.
   */
  appendTo(
    q: PartitionQueue,
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    timestampOffset: number,
    send: PendingSend,
    index: number,
    nowMs: number,
    abortOnNewBatch: boolean,
  ): AppendResult {
    const open = q.open;
    if (open !== undefined) {
      if (open.tryAppend(key, value, headers, nowMs, timestampOffset, send, index))
        return AppendResult.APPENDED;
      this.closeOpen(q);
      if (abortOnNewBatch) return AppendResult.NEW_BATCH_NEEDED;
    }
    const bytes = Math.max(
      this.options.batchSize,
      BATCH_HEADER_SIZE + RECORD_OVERHEAD_BOUND + sizeOfRecordPayload(key, value, headers),
    );
    if (!this.pool.tryReserve(bytes)) {
      this.neededBytes = bytes;
      return AppendResult.MEMORY_NEEDED;
    }
    this.openBatch(q, bytes, nowMs).tryAppend(key, value, headers, nowMs, timestampOffset, send, index);
    return AppendResult.APPENDED;
  }

  /**
   * Opens a batch on memory the caller reserved already (after waiting for it), and appends the
   * record there (timestamp `nowMs + timestampOffset`), unless the open batch still has room for it.
   */
  appendReserved(
    reservedBytes: number,
    topic: string,
    partition: number,
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    timestampOffset: number,
    send: PendingSend,
    index: number,
    nowMs: number,
  ): void {
    const q = this.queue(topic, partition);
    if (q.open?.tryAppend(key, value, headers, nowMs, timestampOffset, send, index)) {
      this.pool.release(reservedBytes);
      return;
    }
    if (q.open !== undefined) this.closeOpen(q);
    this.openBatch(q, reservedBytes, nowMs).tryAppend(
      key,
      value,
      headers,
      nowMs,
      timestampOffset,
      send,
      index,
    );
  }

  private openBatch(q: PartitionQueue, bytes: number, nowMs: number): ProducerBatch {
    const capacity = bytes === this.pool.poolableSize ? this.pool.allocate() : bytes;
    const batch = new ProducerBatch(
      q.topic,
      q.partition,
      capacity,
      this.options.compression,
      bytes,
      nowMs,
      q.batchesOpened++,
    );
    q.open = batch;
    this.incomplete.add(batch);
    return batch;
  }

  private closeOpen(q: PartitionQueue): void {
    const open = q.open!;
    open.close();
    q.queued.push(open);
    q.open = undefined;
    this.onBatchClosed(q.topic, q.partition);
  }

  /** Every partition queue, for the Sender's scans. */
  *queues(): IterableIterator<PartitionQueue> {
    for (const queues of this.topics.values()) {
      for (const q of queues) if (q !== undefined) yield q;
    }
  }

  /**
   * Whether `q`'s head batch may be sent at `nowMs`: closed, or open past lingerMs, or open while
   * flushing; not waiting out a retry backoff; not held by its sequences (idempotent: waiting for
   * a producer id, or behind batches in flight).
   * Returns the time it becomes sendable when that is only a matter of time, or -1 for never
   * (until something else changes).
   */
  sendableAt(q: PartitionQueue, nowMs: number): number {
    const head = q.head;
    if (head === undefined) return -1;
    if (q.sequences.holdsSends) return -1;
    let at = head.retryAtMs;
    if (!head.isClosed && this.flushing === 0) at = Math.max(at, head.createdMs + this.options.lingerMs);
    return Math.max(at, nowMs);
  }

  /**
   * The batches to send to one broker now: the head batch of each partition in `partitions` that
   * is sendable, while the request stays within `maxRequestSize` (the first batch always goes).
   * Open heads are closed first. The caller marks them in flight.
   */
  drain(partitions: readonly PartitionQueue[], maxRequestSize: number, nowMs: number): ProducerBatch[] {
    const batches: ProducerBatch[] = [];
    let size = 0;
    for (const q of partitions) {
      if (this.sendableAt(q, nowMs) !== nowMs) continue;
      const head = q.head!;
      if (batches.length > 0 && size + head.sizeInBytes > maxRequestSize) continue;
      if (head === q.open) this.closeOpen(q);
      q.queued.shift();
      q.inFlight++;
      size += head.sizeInBytes;
      batches.push(head);
    }
    return batches;
  }

  /**
   * A batch came back from a request and will be sent again: it goes back to its partition's
   * queue in the order its records were appended (`order`), ahead of every later batch; when
   * idempotent, the batches sent after it will follow it back and nothing is sent before they have.
   */
  requeue(batch: ProducerBatch, retryAtMs: number): void {
    const q = this.queue(batch.topic, batch.partition);
    q.inFlight--;
    batch.retryAtMs = retryAtMs;
    if (this.options.idempotent) q.sequences.holdUntilInFlightReturns = true;
    let at = 0;
    while (at < q.queued.length && q.queued[at]!.order < batch.order) at++;
    q.queued.splice(at, 0, batch);
    q.sequences.afterReturn();
  }

  /**
   * A batch sent was replaced by `parts` (its records, split): they go to the front of its
   * partition's queue, in order, and the sequences after it are assigned again.
   */
  replace(batch: ProducerBatch, parts: readonly ProducerBatch[]): void {
    const q = this.queue(batch.topic, batch.partition);
    q.inFlight--;
    this.incomplete.delete(batch);
    for (const part of parts) this.incomplete.add(part);
    for (const waiter of this.flushWaiters) {
      if (waiter.batches.delete(batch)) for (const part of parts) waiter.batches.add(part);
    }
    q.queued.unshift(...parts);
    if (batch.baseSequence >= 0) q.sequences.resequenceWhenIdle = true;
    q.sequences.afterReturn();
  }

  /**
   * A batch sent was acknowledged, or failed for good (`maybeWritten`: after a broker may have
   * written it); its memory goes back to the pool.
   */
  finish(batch: ProducerBatch, acknowledged: boolean, maybeWritten = false): void {
    const q = this.queue(batch.topic, batch.partition);
    q.inFlight--;
    if (batch.baseSequence >= 0) {
      if (acknowledged) q.sequences.acknowledged(batch);
      else q.sequences.leaveGap(batch, maybeWritten);
    }
    q.sequences.afterReturn();
    this.release(batch);
  }

  /**
   * A batch not in flight (expired, or its send() refused) is removed and its memory freed;
   * `maybeWritten` when an earlier send of it may be in the log.
   */
  discard(batch: ProducerBatch, maybeWritten = false): void {
    const q = this.queue(batch.topic, batch.partition);
    const at = q.queued.indexOf(batch);
    if (at !== -1) q.queued.splice(at, 1);
    if (q.open === batch) q.open = undefined;
    if (batch.baseSequence >= 0) {
      q.sequences.leaveGap(batch, maybeWritten);
      q.sequences.afterReturn();
    }
    this.release(batch);
  }

  private release(batch: ProducerBatch): void {
    if (!this.incomplete.delete(batch)) return;
    // Nothing reads the batch's bytes after it completes: it completes once its request was
    // answered, or (acks 0) written to the socket, so its buffer may go to the next batch.
    batch.bytes = undefined;
    // V8 drops the hidden class of a class whose every instance has died, and with it every
    // optimized function that relies on that class (deoptimized for "weak objects"). A producer
    // whose batches have all completed, idle or between bursts, would lose its compiled hot path
    // at the next full collection and compile it again under the next burst (after the produce
    // benches' gc(), 250-430 ms of the compiler threads' time within 1,000,000 records); one
    // completed batch kept reachable keeps those classes alive.
    this.lastReleased = batch;
    this.pool.recycle(batch.buffer);
    this.pool.release(batch.reservedBytes);
    for (let i = this.flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.flushWaiters[i]!;
      waiter.batches.delete(batch);
      if (waiter.batches.size === 0) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /**
   * Makes every batch existing now sendable at once and resolves when all of them have completed
   * (acknowledged or failed); batches opened later do not hold it up.
   */
  flush(): Promise<void> {
    if (this.incomplete.size === 0) return Promise.resolve();
    this.flushing++;
    return new Promise<void>((resolve) => {
      this.flushWaiters.push({
        batches: new Set(this.incomplete),
        resolve: () => {
          this.flushing--;
          resolve();
        },
      });
    });
  }

  /**
   * Batches not in flight whose deliveryTimeoutMs has passed at `nowMs`. A queue is in append
   * order, so creation times only grow along it: the scan of each stops at its first live batch.
   */
  expired(nowMs: number, deliveryTimeoutMs: number): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const q of this.queues()) {
      let live = false;
      for (const b of q.queued) {
        if (nowMs - b.createdMs < deliveryTimeoutMs) {
          live = true;
          break;
        }
        expired.push(b);
      }
      if (!live && q.open !== undefined && nowMs - q.open.createdMs >= deliveryTimeoutMs)
        expired.push(q.open);
    }
    return expired;
  }
}
