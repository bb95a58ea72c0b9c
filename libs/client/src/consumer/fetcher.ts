import { ErrorCode, Fetch, KafkaError, type ResponseOf } from '@runnel/protocol';
import type { Cluster } from '../metadata/cluster.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';
import { RecordBatchTooLargeError } from './consumer-errors.js';
import type { MessageDeserializers } from './consumer-message.js';
import type { ResolvedConsumerOptions } from './consumer-options.js';
import { decodeFetchedRecords } from './fetched-records.js';
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

/** One requested partition and the state it was requested in, to recognise a stale answer. */
interface Requested<K, V> {
  state: PartitionState<K, V>;
  fetchOffset: bigint;
  fetchEpoch: number;
}

/**
 * Fetches from one broker, on the Cluster's 'fetch' connection to it, one Fetch in flight at a
 * time (as Kafka's Fetcher per node): it asks for every partition the broker leads that has room
 * in its queue, decodes what comes back into the partitions' queues and asks again at once, so the
 * next Fetch is in flight while handlers work on the last one. A partition whose queue is full is
 * simply left out of the next request, so a slow handler never holds back the fetches of other
 * partitions. With nothing to ask for, it waits for `wake()`.
 *
 * The order of partitions rotates from one request to the next, so when `maxBytes` cuts a response
 * short, it is not always the same partitions that go without.
 */
export class Fetcher<K, V> {
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private cancelBackoff: (() => void) | undefined;
  private rotation = 0;
  private readonly loop: Promise<void>;

  constructor(
    readonly nodeId: number,
    private readonly cluster: Cluster,
    private readonly options: ResolvedConsumerOptions,
    private readonly deserializers: MessageDeserializers<K, V>,
    private readonly target: FetchTarget<K, V>,
  ) {
    this.loop = this.run();
  }

  /** Something changed (a queue drained, a resume, a seek, a new partition): look again. */
  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  /** Stops after the Fetch in flight (its answer is dropped); resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    this.cancelBackoff?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const partitions = this.target.fetchablePartitions(this.nodeId);
      if (partitions.length === 0) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        });
        continue;
      }
      const requested = this.rotate(partitions).map(
        (state): Requested<K, V> => ({
          state,
          fetchOffset: state.fetchOffset!,
          fetchEpoch: state.fetchEpoch,
        }),
      );
      let response: FetchResponse;
      try {
        response = await this.fetch(requested);
      } catch (err) {
        if (this.stopped) break;
        this.target.brokerFailed(this.nodeId, err as Error);
        await this.backoff();
        continue;
      }
      if (this.stopped) break;
      try {
        await this.handle(requested, response);
      } catch (err) {
        this.target.fatal(err as Error);
        break;
      }
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
      const records = answer.records;
      if (records === null || records.length === 0) {
        state.highWatermark = answer.highWatermark;
        return false;
      }
      const decoded = await decodeFetchedRecords(
        records,
        state.topic,
        state.partition,
        fetchOffset,
        answer.abortedTransactions,
        this.deserializers,
      );
      if (this.isStale(wanted)) return false;
      if (decoded.onlyPartialBatch) {
        throw new RecordBatchTooLargeError(
          state.topic,
          state.partition,
          fetchOffset,
          this.options.maxPartitionFetchBytes,
        );
      }
      if (decoded.nextOffset === fetchOffset) return false;
      state.push({
        messages: decoded.messages,
        nextOffset: decoded.nextOffset,
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
      const timer = setTimeout(() => {
        this.cancelBackoff = undefined;
        resolve();
      }, this.options.retryBackoffMs);
      this.cancelBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
