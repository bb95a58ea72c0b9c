import { ErrorCode } from '@runnel/protocol';
import { isRetriable } from '../errors/is-retriable.js';
import type { Cluster } from '../metadata/cluster.js';
import type { TopicPartition } from '../metadata/topic-partition.js';
import { NoOffsetForPartitionError, UnknownTopicOrPartitionError } from './consumer-errors.js';
import type { ResolvedConsumerOptions } from './consumer-options.js';
import { Fetcher, type FetchTarget } from './fetcher.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js';
import { PartitionState, partitionKey } from './partition-state.js';

/** A partition to consume, with where to start when that is already known. */
export interface PartitionStart extends TopicPartition {
  /** The first offset to fetch; undefined: reset by `autoOffsetReset`. */
  offset?: bigint | undefined;
  /** What the group has committed for it (-1n: nothing), so auto commit sends only progress. */
  committed?: bigint;
}

/** What the fetch side tells the consumer above it. */
export interface FetchManagerEvents<K, V> {
  /** `state` has a chunk waiting for its handler. */
  fetched(state: PartitionState<K, V>): void;
  /** Fetching cannot go on (a corrupt batch, autoOffsetReset 'none', a non-retriable error). */
  fatal(error: Error): void;
}

/**
 * The consumer's assigned partitions and the Fetchers that fill them, one per leading broker.
 * Finds each partition's leader in the Cluster's metadata and refreshes it when a broker says it
 * no longer leads; finds starting positions with ListOffsets (autoOffsetReset) when none is given
 * or the broker answers OFFSET_OUT_OF_RANGE; keeps pause() and seek() requests made before a
 * partition is assigned, and applies them when it is.
 */
export class FetchManager<K, V> implements FetchTarget<K, V> {
  private readonly states = new Map<string, PartitionState<K, V>>();
  private readonly fetchers = new Map<number, Fetcher<K, V>>();
  /** Topics paused as a whole (`pause([{ topic }])`), including partitions assigned later. */
  private readonly pausedTopics = new Set<string>();
  private readonly pausedPartitions = new Set<string>();
  private readonly pendingSeeks = new Map<string, bigint>();
  private refreshing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ResolvedConsumerOptions,
    private readonly events: FetchManagerEvents<K, V>,
  ) {}

  get assigned(): PartitionState<K, V>[] {
    return [...this.states.values()];
  }

  state(topic: string, partition: number): PartitionState<K, V> | undefined {
    return this.states.get(partitionKey(topic, partition));
  }

  /** Starts consuming `partitions`; resolves once each has its leader and position (or failed fatally). */
  async add(partitions: readonly PartitionStart[]): Promise<void> {
    const added: PartitionState<K, V>[] = [];
    const toReset: PartitionState<K, V>[] = [];
    for (const start of partitions) {
      const state = new PartitionState<K, V>(start.topic, start.partition);
      // A partition assigned again replaces its old state, which must hand nothing more over.
      this.states.get(state.key)?.revoke();
      this.states.set(state.key, state);
      state.paused = this.pausedTopics.has(state.topic) || this.pausedPartitions.has(state.key);
      const seek = this.pendingSeeks.get(state.key);
      this.pendingSeeks.delete(state.key);
      const offset = seek ?? start.offset;
      if (offset !== undefined && offset >= 0n) state.startAt(offset, start.committed ?? -1n);
      else {
        state.tracker.committed(start.committed ?? -1n);
        toReset.push(state);
      }
      added.push(state);
    }
    await this.updateLeaders(added);
    await this.resetPositions(toReset);
    this.wakeAll();
  }

  /** Stops fetching `partitions` and forgets them; returns their states (a handler may still be busy on one). */
  remove(partitions: readonly TopicPartition[]): PartitionState<K, V>[] {
    const removed: PartitionState<K, V>[] = [];
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      const state = this.states.get(key);
      if (!state) continue;
      state.revoke();
      this.states.delete(key);
      removed.push(state);
    }
    return removed;
  }

  seek(topic: string, partition: number, offset: bigint): void {
    const state = this.state(topic, partition);
    if (!state) {
      this.pendingSeeks.set(partitionKey(topic, partition), offset);
      return;
    }
    state.seek(offset);
    this.wake(state);
  }

  /** Pauses whole topics (partitions undefined) or some of their partitions, assigned now or later. */
  pause(topic: string, partitions: readonly number[] | undefined): void {
    if (partitions === undefined) this.pausedTopics.add(topic);
    else for (const p of partitions) this.pausedPartitions.add(partitionKey(topic, p));
    for (const state of this.states.values()) {
      if (state.topic === topic && (partitions === undefined || partitions.includes(state.partition))) {
        state.paused = true;
      }
    }
  }

  /** Resumes what pause() paused; returns the states that can go on. */
  resume(topic: string, partitions: readonly number[] | undefined): PartitionState<K, V>[] {
    if (partitions === undefined) {
      this.pausedTopics.delete(topic);
      for (const key of this.pausedPartitions)
        if (key.startsWith(`${topic}:`)) this.pausedPartitions.delete(key);
    } else {
      for (const p of partitions) this.pausedPartitions.delete(partitionKey(topic, p));
    }
    const resumed: PartitionState<K, V>[] = [];
    for (const state of this.states.values()) {
      if (state.topic !== topic || !state.paused) continue;
      if (this.pausedTopics.has(topic) || this.pausedPartitions.has(state.key)) continue;
      state.paused = false;
      resumed.push(state);
      this.wake(state);
    }
    return resumed;
  }

  paused(): TopicPartition[] {
    return this.assigned.filter((s) => s.paused).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** A handler took a chunk of `state`: its queue has room again. */
  drained(state: PartitionState<K, V>): void {
    this.wake(state);
  }

  stop(): void {
    this.stopped = true;
    for (const fetcher of this.fetchers.values()) fetcher.stop();
    this.fetchers.clear();
  }

  // FetchTarget: called by the Fetchers.

  fetchablePartitions(nodeId: number): PartitionState<K, V>[] {
    const bound = this.options.maxPartitionFetchBytes;
    const result: PartitionState<K, V>[] = [];
    for (const state of this.states.values()) {
      if (state.leader === nodeId && state.fetchable(bound)) result.push(state);
    }
    return result;
  }

  fetched(state: PartitionState<K, V>): void {
    this.events.fetched(state);
  }

  offsetOutOfRange(state: PartitionState<K, V>): void {
    state.invalidatePosition();
    void this.resetPositions([state]).then(() => this.wake(state));
  }

  leaderLost(state: PartitionState<K, V>): void {
    state.leader = undefined;
    this.refreshLeaders();
  }

  brokerFailed(): void {
    this.refreshLeaders();
  }

  fatal(error: Error): void {
    if (!this.stopped) this.events.fatal(error);
  }

  // Leaders and positions.

  /** Refreshes metadata once for every caller at the same time, then moves partitions to their new leaders. */
  private refreshLeaders(): void {
    if (this.refreshing || this.stopped) return;
    this.refreshing = (async () => {
      await delay(this.options.retryBackoffMs);
      const topics = [...new Set(this.assigned.map((s) => s.topic))];
      try {
        await this.cluster.refreshMetadata(topics);
      } catch {
        // The Fetchers report again after their backoff and so start another refresh.
      }
      this.refreshing = undefined;
      this.assignLeaders(this.assigned);
      this.wakeAll();
    })();
  }

  /** Finds the leaders of new partitions; a partition the cluster does not have is refused, naming it. */
  private async updateLeaders(states: readonly PartitionState<K, V>[]): Promise<void> {
    if (states.length === 0) return;
    const topics = [...new Set(states.map((s) => s.topic))];
    const metadata = await this.cluster.metadata(topics, { allowAutoTopicCreation: false });
    for (const state of states) {
      const topic = metadata.topics.get(state.topic);
      const count =
        topic && topic.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          ? topic.partitions.length
          : undefined;
      if (count === undefined || state.partition >= count) {
        for (const s of states) this.remove([s]);
        throw new UnknownTopicOrPartitionError(state.topic, state.partition, count);
      }
    }
    this.assignLeaders(states);
  }

  private assignLeaders(states: readonly PartitionState<K, V>[]): void {
    for (const state of states) {
      const leader = this.cluster.leaderFor(state.topic, state.partition);
      state.leader = leader === undefined || leader < 0 ? undefined : leader;
      if (state.leader !== undefined && !this.fetchers.has(state.leader) && !this.stopped) {
        this.fetchers.set(state.leader, new Fetcher(state.leader, this.cluster, this.options, this));
      }
    }
    if (states.some((s) => s.leader === undefined && !s.revoked)) this.refreshLeaders();
  }

  /**
   * Finds the position of partitions that have none, by `autoOffsetReset`, retrying retriable
   * errors (after a metadata refresh) until it succeeds or the consumer stops.
   */
  private async resetPositions(states: readonly PartitionState<K, V>[]): Promise<void> {
    const { autoOffsetReset, isolationLevel, requestTimeoutMs, retryBackoffMs } = this.options;
    let pending = states.filter((s) => !s.revoked && s.fetchOffset === null);
    if (pending.length > 0 && autoOffsetReset === 'none') {
      const { topic, partition } = pending[0]!;
      this.fatal(
        new NoOffsetForPartitionError(topic, partition, 'there is no committed offset or it is out of range'),
      );
      return;
    }
    const timestamp = autoOffsetReset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    while (pending.length > 0 && !this.stopped) {
      const byLeader = new Map<number, PartitionState<K, V>[]>();
      for (const state of pending) {
        if (state.leader === undefined) continue;
        let list = byLeader.get(state.leader);
        if (!list) {
          list = [];
          byLeader.set(state.leader, list);
        }
        list.push(state);
      }
      for (const [leader, list] of byLeader) {
        try {
          const offsets = await listOffsets(
            this.cluster,
            leader,
            list,
            timestamp,
            isolationLevel === 'read_committed',
            requestTimeoutMs,
          );
          for (const state of list) {
            const offset = offsets.get(state.key);
            // A seek while the lookup was under way wins over the reset.
            if (offset !== undefined && offset >= 0n && state.fetchOffset === null) state.seek(offset);
          }
        } catch (err) {
          if (!isRetriable(err)) {
            this.fatal(err as Error);
            return;
          }
          this.refreshLeaders();
        }
      }
      pending = pending.filter((s) => !s.revoked && s.fetchOffset === null);
      if (pending.length > 0) {
        await delay(retryBackoffMs);
        await this.refreshing;
      }
    }
  }

  private wake(state: PartitionState<K, V>): void {
    if (state.leader !== undefined) this.fetchers.get(state.leader)?.wake();
  }

  private wakeAll(): void {
    for (const fetcher of this.fetchers.values()) fetcher.wake();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
