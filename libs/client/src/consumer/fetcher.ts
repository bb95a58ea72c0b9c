import { ErrorCode, Fetch, KafkaError, type ResponseOf } from '@runnel/protocol';
import type { Cluster } from '../metadata/cluster.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';
import { RecordBatchTooLargeError } from './consumer-errors.js';
import type { ResolvedConsumerOptions } from './consumer-options.js';
import { scanFetchedRecords } from './fetched-records.js';
import type { PartitionState } from './partition-state.js';

type FetchResponse = ResponseOf<typeof Fetch>;
type PartitionResponse = FetchResponse['responses'][number]['partitions'][number];

/** What a Fetcher asks of the consumer that owns the partitions; it never reaches further up. */
export interface FetchTarget<K, V> {
  /** The partitions led by `nodeId` that the next Fetch should ask for (bounded prefetch, not paused). */
  fetchablePartitions(nodeId: number): PartitionState<K, V>[];
  /** A chunk was added to `state`'s queue. */
  fetched(state: PartitionState<K, V>): void;
  /** OFFSET_OUT_OF_RANGE: the position must be reset (autoOffsetReset). */
  offsetOutOfRange(state: PartitionState<K, V>): void;
  /** The broker is not (or no longer) the partition's leader, or the partition is unknown to it. */
  leaderLost(state: PartitionState<K, V>, error: Error): void;
  /** A request to the broker failed as a whole (connection lost, timeout). */
  brokerFailed(nodeId: number, error: Error): void;
  /** Something a retry cannot fix: the consumer stops and reports it. */
  fatal(error: Error): void;
}

/** Partition errors that mean "ask the metadata who leads it now" (Kafka's Fetcher does the same). */
const LEADERSHIP_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
]);

const READ_COMMITTED = 1;
const READ_UNCOMMITTED = 0;

/** The partition is known to have records past its fetch offset, so a Fetch of it returns at once. */
function lagging<K, V>(state: PartitionState<K, V>): boolean {
  return state.fetchOffset !== null && state.fetchOffset < state.readableEnd;
}

/** One requested partition and the state it was requested in, to recognise a stale answer. */
interface Requested<K, V> {
  state: PartitionState<K, V>;
  fetchOffset: bigint;
  fetchEpoch: number;
}

/**
 * Fetch requests to one broker in flight at once, at most. The second is sent only when every
 * partition of both is known to be behind its high watermark, so neither waits `maxWaitMs` at the
 * broker: a caught-up consumer has one long poll in flight (which would otherwise hold back the
 * answer to the other, as a broker answers one connection's requests in order), a lagging one
 * keeps the broker busy while it decodes the previous answer.
 */
const MAX_PIPELINED_FETCHES = 2;

/**
 * Fetches from one broker, on the Cluster's 'fetch' connection to it (as Kafka's Fetcher per
 * node): it asks for every partition the broker leads that has room in its queue and is not in a
 * Fetch already, puts what comes back into the partitions' queues (batch headers checked, records
 * decoded later by the runner) and asks again at once, so the next Fetch is in flight while
 * handlers work on the last one. A partition whose queue is full is simply left out of the next
 * request, so a slow handler never holds back the fetches of other partitions. With nothing to
 * ask for, it waits for `wake()`.
 *
 * The order of partitions rotates from one request to the next, so when `maxBytes` cuts a response
 * short, it is not always the same partitions that go without.
 */
export class Fetcher<K, V> {
  private stopped = false;
  private readonly cancelBackoffs = new Set<() => void>();
  /** Fetch requests sent and not yet answered and handled. */
  private inFlight = 0;
  /** Partitions in a Fetch now: never asked for twice at once. */
  private readonly fetching = new Set<PartitionState<K, V>>();
  private rotation = 0;

  constructor(
    readonly nodeId: number,
    private readonly cluster: Cluster,
    private readonly options: ResolvedConsumerOptions,
    private readonly target: FetchTarget<K, V>,
  ) {
    this.pump();
  }

  /** Something changed (a queue drained, a resume, a seek, a new partition): look again. */
  wake(): void {
    this.pump();
  }

  /**
   * Stops at once: no further Fetch is sent, and the answer to one in flight (a long poll may take
   * `maxWaitMs`) is dropped when it comes, or fails when the Cluster closes the connection.
   */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancelBackoffs) cancel();
  }

  /** Sends Fetches while there are partitions to ask for and the pipelining rule allows. */
  private pump(): void {
    while (!this.stopped && this.inFlight < MAX_PIPELINED_FETCHES) {
      const partitions = this.target.fetchablePartitions(this.nodeId).filter((s) => !this.fetching.has(s));
      if (partitions.length === 0) return;
      const allLagging = partitions.every(lagging);
      if (this.inFlight > 0 && !(allLagging && [...this.fetching].every(lagging))) return;
      // Lagging partitions are split over two Fetches, so the broker reads one while we decode the other.
      let chosen = this.rotate(partitions);
      if (this.inFlight === 0 && allLagging && chosen.length > 1) {
        chosen = chosen.slice(0, Math.ceil(chosen.length / MAX_PIPELINED_FETCHES));
      }
      const requested = chosen.map(
        (state): Requested<K, V> => ({
          state,
          fetchOffset: state.fetchOffset!,
          fetchEpoch: state.fetchEpoch,
        }),
      );
      for (const { state } of requested) this.fetching.add(state);
      this.inFlight++;
      void this.fetchRound(requested).finally(() => {
        this.inFlight--;
        for (const { state } of requested) this.fetching.delete(state);
        this.pump();
      });
    }
  }

  /** One Fetch and its answer; errors back off here, so the partitions stay out of other Fetches meanwhile. */
  private async fetchRound(requested: Requested<K, V>[]): Promise<void> {
    let response: FetchResponse;
    try {
      response = await this.fetch(requested);
    } catch (err) {
      if (this.stopped) return;
      this.target.brokerFailed(this.nodeId, err as Error);
      await this.backoff();
      return;
    }
    if (this.stopped) return;
    try {
      await this.handle(requested, response);
    } catch (err) {
      this.stopped = true;
      this.target.fatal(err as Error);
    }
  }

  private rotate(partitions: PartitionState<K, V>[]): PartitionState<K, V>[] {
    const start = this.rotation++ % partitions.length;
    return start === 0 ? partitions : [...partitions.slice(start), ...partitions.slice(0, start)];
  }

  private async fetch(requested: Requested<K, V>[]): Promise<FetchResponse> {
    const { maxWaitMs, minBytes, maxBytes, maxPartitionFetchBytes, isolationLevel, requestTimeoutMs } =
      this.options;
    const byTopic = new Map<
      string,
      { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[]
    >();
    for (const { state, fetchOffset } of requested) {
      let partitions = byTopic.get(state.topic);
      if (!partitions) {
        partitions = [];
        byTopic.set(state.topic, partitions);
      }
      partitions.push({ partition: state.partition, fetchOffset, partitionMaxBytes: maxPartitionFetchBytes });
    }
    const connection = await this.cluster.connection(this.nodeId, 'fetch');
    return connection.request(
      Fetch,
      {
        replicaId: -1,
        maxWaitMs,
        minBytes,
        maxBytes,
        isolationLevel: isolationLevel === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      },
      { timeoutMs: requestTimeoutMs + maxWaitMs },
    );
  }

  private async handle(requested: Requested<K, V>[], response: FetchResponse): Promise<void> {
    if (response.errorCode !== ErrorCode.NONE) {
      // A request-level error (a fetch session error; we use no sessions, so this is unexpected).
      this.target.brokerFailed(
        this.nodeId,
        KafkaError.fromCode(response.errorCode, { context: `Fetch from broker ${this.nodeId}` }),
      );
      await this.backoff();
      return;
    }
    const byKey = new Map(requested.map((r) => [r.state.key, r]));
    let backoff = false;
    for (const { topic, partitions } of response.responses) {
      for (const answer of partitions) {
        const wanted = byKey.get(`${topic}:${answer.partitionIndex}`);
        if (!wanted || this.isStale(wanted)) continue;
        backoff = (await this.handlePartition(wanted, answer)) || backoff;
      }
    }
    if (backoff) await this.backoff();
  }

  /** Handles one partition's answer; returns whether the fetcher should back off before the next request. */
  private async handlePartition(wanted: Requested<K, V>, answer: PartitionResponse): Promise<boolean> {
    const { state, fetchOffset } = wanted;
    const { errorCode } = answer;
    if (errorCode === ErrorCode.NONE) {
      state.readableEnd =
        this.options.isolationLevel === 'read_committed' && answer.lastStableOffset >= 0n
          ? answer.lastStableOffset
          : answer.highWatermark;
      const records = answer.records;
      if (records === null || records.length === 0) {
        state.highWatermark = answer.highWatermark;
        return false;
      }
      const scanned = await scanFetchedRecords(records, fetchOffset, answer.abortedTransactions);
      if (this.isStale(wanted)) return false;
      if (scanned.onlyPartialBatch) {
        throw new RecordBatchTooLargeError(
          state.topic,
          state.partition,
          fetchOffset,
          this.options.maxPartitionFetchBytes,
        );
      }
      if (scanned.nextOffset === fetchOffset) return false;
      state.push({
        batches: scanned.batches,
        fromOffset: fetchOffset,
        messages: undefined,
        nextOffset: scanned.nextOffset,
        highWatermark: answer.highWatermark,
        bytes: records.length,
        fetchEpoch: wanted.fetchEpoch,
      });
      this.target.fetched(state);
      return false;
    }
    const error = KafkaError.fromCode(errorCode, {
      context: `Fetch ${describeTopicPartition(state.topic, state.partition)} offset ${fetchOffset}`,
    });
    if (errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      this.target.offsetOutOfRange(state);
      return false;
    }
    if (LEADERSHIP_ERRORS.has(errorCode)) {
      this.target.leaderLost(state, error);
      return true;
    }
    if (error.retriable) return true;
    throw error;
  }

  private isStale({ state, fetchOffset, fetchEpoch }: Requested<K, V>): boolean {
    return state.revoked || state.fetchEpoch !== fetchEpoch || state.fetchOffset !== fetchOffset;
  }

  /** Waits `retryBackoffMs` (cut short only by stop(), not by wake(), so errors cannot spin). */
  private backoff(): Promise<void> {
    return new Promise((resolve) => {
      const cancel = () => {
        clearTimeout(timer);
        this.cancelBackoffs.delete(cancel);
        resolve();
      };
      const timer = setTimeout(cancel, this.options.retryBackoffMs);
      this.cancelBackoffs.add(cancel);
    });
  }
}
