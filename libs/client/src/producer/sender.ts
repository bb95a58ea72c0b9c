import { decodeRecordBatch, ErrorCode, InitProducerId, KafkaError } from '@runnel/protocol';
import { isRetriable } from '../errors/is-retriable.js';
import type { Cluster } from '../metadata/cluster.js';
import { BrokerSender } from './broker-sender.js';
import type { ProducerBatch } from './producer-batch.js';
import { DeliveryTimeoutError } from './producer-errors.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import type { PartitionQueue, RecordAccumulator } from './record-accumulator.js';

/** Broker answers that mean the client's view of leaders is stale: refresh metadata, then retry. */
const METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

/** The producer id and epoch batches are sealed with; -1/-1 when not idempotent. */
export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

const NO_IDENTITY: ProducerIdentity = { producerId: -1n, producerEpoch: -1 };

/**
 * The producer's background half (Kafka's Sender thread, as events on the loop): whenever
 * something may have changed — a batch closed, a response, a timer from the earliest linger
 * expiry, retry backoff or reconnect — `wake()` schedules one `run`, which expires batches past
 * deliveryTimeoutMs, groups the sendable partitions by leader and lets each broker's
 * BrokerSender drain them.
 *
 * It decides the fate of a failed batch (`settleFailure`): retried while the error is retriable,
 * `retries` allows and deliveryTimeoutMs has not passed, with metadata refreshed first for leader
 * errors; failed otherwise. When idempotent it also owns the producer ids. A sent batch that
 * expired, or failed for good after a retriable error or an unanswered request, leaves its
 * partition's sequences unresolved (it may be in the log whatever its answers said): the
 * batches sealed after it keep being sent as they are, under their producer id and sequences, one
 * at a time, until one is answered (acknowledged or a duplicate: the gap was written; out of
 * order: it was not, nor anything sealed after it) or all have expired. Only a partition whose
 * sequences cannot go on takes a new producer id, one it never used (InitProducerId when it would
 * be the current one), and numbers its queued batches from 0 under it: Kafka's TransactionManager
 * with its unresolved sequences and epoch bump (KIP-360). A batch that may be in the log under one
 * producer id is never numbered under another, so no acknowledged record is written twice.
 */
export class Sender {
  private readonly brokers = new Map<number, BrokerSender>();
  private identity: ProducerIdentity = NO_IDENTITY;
  private scheduled = false;
  private refillQueued = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private refreshTopics = new Set<string>();
  private metadataRetryAtMs = 0;
  private initializing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    readonly options: ResolvedProducerOptions,
    readonly accumulator: RecordAccumulator,
    readonly cluster: Cluster,
  ) {}

  producerIdentity(): ProducerIdentity {
    return this.identity;
  }

  /** Fetches a producer id (InitProducerId) when idempotent; retries retriable errors within maxBlockMs. */
  async initProducerId(): Promise<void> {
    if (!this.options.idempotent) return;
    const deadline = Date.now() + this.options.maxBlockMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await this.cluster.anyConnection();
        const response = await connection.request(InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60000,
        });
        KafkaError.throwIfError(response.errorCode, { context: 'InitProducerId' });
        this.identity = { producerId: response.producerId, producerEpoch: response.producerEpoch };
        return;
      } catch (err) {
        if (!isRetriable(err) || Date.now() + this.backoffMs(attempt) > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs(attempt)));
      }
    }
  }

  /** Exponential backoff of the `attempt`-th retry: retryBackoffMs doubling, at most retryBackoffMaxMs, ±20% jitter. */
  backoffMs(attempt: number): number {
    const { retryBackoffMs, retryBackoffMaxMs } = this.options;
    const base = Math.min(retryBackoffMs * 2 ** Math.max(0, attempt - 1), retryBackoffMaxMs);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Schedules one run soon; calls in the same tick share it. */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /**
   * A response freed an in-flight slot: one run in a microtask, which the BrokerSender queues
   * before the response completes its batches' send() calls. So the slots that the responses of
   * one socket read free are refilled, in one write, before the code those calls resume runs (a
   * caller may append thousands of records first), not after it at the next `setImmediate`: the
   * broker gets the next requests while the client appends.
   */
  refill(): void {
    if (this.refillQueued || this.stopped) return;
    this.refillQueued = true;
    queueMicrotask(() => {
      this.refillQueued = false;
      this.run();
    });
  }

  /** Stops timers; batches left are the producer's to fail. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A connection to `nodeId` failed or closed: its leaders may have moved. */
  connectionLost(_nodeId: number, _err: Error): void {
    this.requestMetadataRefresh(undefined);
    this.wake();
  }

  private run(): void {
    if (this.stopped) return;
    const nowMs = Date.now();
    const { accumulator, options } = this;
    for (const batch of accumulator.expired(nowMs, options.deliveryTimeoutMs)) {
      // Sent and expired: it came back with retriable errors only, and any of those may hide a
      // write (see settleFailure), so its sequences are unresolved, as Kafka's inRetry batches.
      accumulator.discard(batch, batch.maybeWritten || batch.attempts > 0);
      this.expire(batch);
    }
    let next = Number.POSITIVE_INFINITY;
    const byLeader = new Map<number, PartitionQueue[]>();
    for (const q of accumulator.queues()) {
      if (q.sequences.needsProducerId && q.inFlight === 0) this.giveProducerId(q);
      const at = accumulator.sendableAt(q, nowMs);
      if (at === -1) continue;
      if (at > nowMs) {
        next = Math.min(next, at);
        continue;
      }
      const leader = this.cluster.leaderFor(q.topic, q.partition);
      if (leader === undefined || leader < 0) {
        this.requestMetadataRefresh(q.topic);
        continue;
      }
      let queues = byLeader.get(leader);
      if (queues === undefined) {
        queues = [];
        byLeader.set(leader, queues);
      }
      queues.push(q);
    }
    for (const [nodeId, queues] of byLeader) {
      let broker = this.brokers.get(nodeId);
      if (broker === undefined) {
        broker = new BrokerSender(nodeId, this);
        this.brokers.set(nodeId, broker);
      }
      broker.run(queues, nowMs);
    }
    this.startRefresh();
    // While batches are waiting, look again at least every retryBackoffMaxMs, so one whose
    // deliveryTimeoutMs passes while nothing happens (a broker down) still fails on time.
    if (accumulator.incompleteCount > 0) next = Math.min(next, nowMs + options.retryBackoffMaxMs);
    this.scheduleAt(next);
  }

  private scheduleAt(atMs: number): void {
    if (atMs === Number.POSITIVE_INFINITY || atMs >= this.timerAtMs) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAtMs = Number.POSITIVE_INFINITY;
        this.run();
      },
      Math.max(0, atMs - Date.now()),
    );
  }

  /** Decides what becomes of `batch` after `error`: retried, or failed (see the class comment). */
  settleFailure(batch: ProducerBatch, error: Error, definitelyNotWritten: boolean): void {
    const { accumulator, options } = this;
    const nowMs = Date.now();
    if (!definitelyNotWritten) batch.maybeWritten = true;
    batch.lastError = error;
    let retriable = isRetriable(error);
    if (error instanceof KafkaError) {
      if (METADATA_ERRORS.has(error.code)) this.requestMetadataRefresh(batch.topic);
      if (error.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && options.idempotent) {
        // Out of order with everything before it acknowledged: the broker lost this producer's
        // state. Out of order as the first batch after an unresolved one: neither is in the log,
        // and this one goes again under a new producer id. Otherwise behind an earlier batch that
        // is itself coming back: retry after it.
        const sequences = accumulator.queue(batch.topic, batch.partition).sequences;
        retriable = batch.baseSequence !== sequences.lastAckedSequence + 1;
        if (!retriable) sequences.lostProducerState();
        else if (sequences.outOfOrderIsDefinite(batch)) batch.maybeWritten = false;
      }
    }
    if (
      error instanceof KafkaError &&
      (error.code === ErrorCode.MESSAGE_TOO_LARGE || error.code === ErrorCode.RECORD_LIST_TOO_LARGE) &&
      batch.recordCount > 1 &&
      batch.bytes !== undefined &&
      !this.stopped
    ) {
      this.split(batch, batch.bytes, error);
      return;
    }
    const deadline = batch.createdMs + options.deliveryTimeoutMs;
    const retryAtMs = nowMs + this.backoffMs(batch.attempts);
    if (retriable && batch.attempts <= options.retries && retryAtMs < deadline && !this.stopped) {
      accumulator.requeue(batch, retryAtMs);
      return;
    }
    // Given up after a retriable error: its sequences are unresolved even if every answer said
    // "not appended", as in Kafka. An answer describes one attempt only, and a leader that appended
    // a batch and lost its leadership before the replicas had it answers NOT_LEADER_OR_FOLLOWER,
    // while the new leader may well have the batch. Only a refusal for good is a known gap.
    accumulator.finish(batch, false, batch.maybeWritten || retriable);
    batch.fail(
      retriable && retryAtMs >= deadline
        ? new DeliveryTimeoutError(
            batch.topic,
            batch.partition,
            batch.recordCount,
            options.deliveryTimeoutMs,
            {
              cause: error,
            },
          )
        : error,
    );
  }

  /**
   * A batch the broker refused as too large is sent again one record per batch (Kafka splits too),
   * so only a record that is itself over the broker's limit fails; the others are not lost. The
   * partition stays held (the batch counts as in flight) until the parts are queued.
   */
  private split(batch: ProducerBatch, bytes: Buffer, error: KafkaError): void {
    decodeRecordBatch(bytes).then(
      (decoded) => {
        this.accumulator.replace(batch, batch.splitPerRecord(decoded.records, this.options.compression));
        this.wake();
      },
      () => {
        this.accumulator.finish(batch, false);
        batch.fail(error);
        this.wake();
      },
    );
  }

  private expire(batch: ProducerBatch): void {
    batch.fail(
      new DeliveryTimeoutError(
        batch.topic,
        batch.partition,
        batch.recordCount,
        this.options.deliveryTimeoutMs,
        {
          cause: batch.lastError,
        },
      ),
    );
  }

  /**
   * `q` (needsProducerId, nothing in flight) takes the current producer id if it never used it;
   * otherwise a new one is fetched, which it takes at the run after. Other partitions keep theirs.
   */
  private giveProducerId(q: PartitionQueue): void {
    const { producerId, producerEpoch } = this.identity;
    if (q.sequences.producerId !== producerId || q.sequences.producerEpoch !== producerEpoch) {
      q.sequences.adopt(producerId, producerEpoch);
      return;
    }
    if (this.initializing !== undefined) return;
    this.initializing = this.initProducerId().catch(
      // Asked again at the next run, after a backoff; the partition's batches expire meanwhile.
      () => new Promise<void>((resolve) => setTimeout(resolve, this.options.retryBackoffMaxMs)),
    );
    this.initializing.finally(() => {
      this.initializing = undefined;
      this.wake();
    });
  }

  private requestMetadataRefresh(topic: string | undefined): void {
    if (topic !== undefined) this.refreshTopics.add(topic);
    else for (const q of this.accumulator.queues()) this.refreshTopics.add(q.topic);
  }

  /** One metadata refresh at a time, at most one per retryBackoffMs; the run after it sends to the new leaders. */
  private startRefresh(): void {
    if (this.refreshing !== undefined || this.refreshTopics.size === 0) return;
    const nowMs = Date.now();
    if (nowMs < this.metadataRetryAtMs) {
      this.scheduleAt(this.metadataRetryAtMs);
      return;
    }
    const topics = [...this.refreshTopics];
    this.refreshTopics.clear();
    this.metadataRetryAtMs = nowMs + this.options.retryBackoffMs;
    this.refreshing = this.cluster.refreshMetadata(topics).then(
      () => undefined,
      () => {
        for (const t of topics) this.refreshTopics.add(t);
      },
    );
    this.refreshing.finally(() => {
      this.refreshing = undefined;
      this.wake();
    });
  }
}
