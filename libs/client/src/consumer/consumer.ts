import { EventEmitter } from 'node:events';
import type { ConnectionOptions } from '../connection/broker-connection.js';
import type { Cluster } from '../metadata/cluster.js';
import type { TopicPartition } from '../metadata/topic-partition.js';
import { BatchIterator } from './batch-iterator.js';
import type {
  AssignedPartition,
  ConsumerCrashEvent,
  ConsumerEvents,
  OffsetToCommit,
  RunOptions,
  SubscribeOptions,
} from './consumer-api.js';
import { ConsumerCommits, uncommittedOffsets } from './consumer-commits.js';
import { ConsumerConfigError, ConsumerStateError } from './consumer-errors.js';
import type { MessageDeserializers } from './consumer-message.js';
import {
  type ConsumerOptions,
  parseOffset,
  type ResolvedConsumerOptions,
  resolveConsumerOptions,
} from './consumer-options.js';
import { type ChunkHandler, ConsumerRunner } from './consumer-runner.js';
import { FetchManager, type PartitionStart } from './fetch-manager.js';
import { ConsumerCoordinator, type RebalanceListener } from './group/consumer-coordinator.js';
import { DEFAULT_GROUP_OPTIONS } from './group/consumer-group-options.js';
import { type Batch, eachBatchHandler, eachMessageHandler, type RunContext } from './run-handlers.js';

/** How often an idle group member tells its coordinator it is alive (at most a third of maxPollIntervalMs). */
const IDLE_POLL_INTERVAL_MS = 1_000;

export type {
  AssignedPartition,
  ConsumerCommitEvent,
  ConsumerCrashEvent,
  ConsumerEvents,
  OffsetToCommit,
  RunOptions,
  SubscribeOptions,
} from './consumer-api.js';

type State = 'created' | 'connected' | 'running' | 'stopping' | 'stopped';

/**
 * A Kafka consumer, in a group (`groupId` + `subscribe()`) or on partitions it picks (`assign()`).
 *
 * Data path: one Fetcher per leading broker fills per-partition queues (bounded by
 * maxPartitionFetchBytes each, so a slow partition stops only its own fetching); the runner hands
 * chunks to the handler, up to partitionsConsumedConcurrently partitions at a time, each in order;
 * each partition's OffsetTracker records what handlers finished, and only that is committed.
 *
 * A handler that throws (or a fetch error no retry can fix) stops the consumer, as kafkajs's crash
 * without restart: no further records are handed over, handlers already running finish, what was
 * finished is committed, the member leaves the group, and the 'crash' event reports the error
 * (a HandlerError naming topic, partition and offset, with the handler's error as `cause`). The
 * record that failed is not committed, so the next consumer of the partition reads it again.
 */
export class Consumer<K = Buffer | null, V = Buffer | null> extends EventEmitter<ConsumerEvents> {
  private readonly options: ResolvedConsumerOptions;
  private readonly groupId: string | undefined;
  private readonly deserializers: MessageDeserializers<K, V>;
  private state: State = 'created';
  private subscription: { topics: string[]; fromBeginning: boolean } | undefined;
  private assignedPartitions: PartitionStart[] | undefined;
  private fetchManager: FetchManager<K, V> | undefined;
  private runner: ConsumerRunner<K, V> | undefined;
  private coordinator: ConsumerCoordinator | undefined;
  private iterator: BatchIterator<K, V> | undefined;
  /** The group member's commits; undefined in assign mode. */
  private commits: ConsumerCommits<K, V> | undefined;
  private idlePollTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  /** connect() joined the Cluster: disconnect() leaves it (the last component to leave closes it). */
  private joinedCluster = false;

  /** `connection`: client id and timeouts for the group coordinator's connections (Runnel's options). */
  constructor(
    private readonly cluster: Cluster,
    private readonly consumerOptions: ConsumerOptions<K, V>,
    private readonly connection: ConnectionOptions,
  ) {
    super();
    this.options = resolveConsumerOptions(consumerOptions);
    this.groupId = consumerOptions.groupId;
    this.deserializers = {
      keyDeserializer: consumerOptions.keyDeserializer,
      valueDeserializer: consumerOptions.valueDeserializer,
    };
  }

  async connect(): Promise<void> {
    if (this.state !== 'created') return;
    await this.cluster.connect();
    this.joinedCluster = true;
    this.state = 'connected';
  }

  /** Topics to consume as a member of the group `groupId`; call before run(). */
  async subscribe({ topics, topic, fromBeginning = false }: SubscribeOptions): Promise<void> {
    if (this.groupId === undefined) {
      throw new ConsumerStateError('subscribe() needs the groupId option; without a group, use assign()');
    }
    if (this.state === 'running') throw new ConsumerStateError('subscribe() must come before run()');
    const list = [...(topics ?? []), ...(topic === undefined ? [] : [topic])];
    if (list.length === 0 || list.some((t) => typeof t !== 'string' || t.length === 0)) {
      throw new ConsumerConfigError('topics', list, 'must name at least one topic, each a non-empty string');
    }
    const topicsSoFar = this.subscription?.topics ?? [];
    this.subscription = { topics: [...new Set([...topicsSoFar, ...list])], fromBeginning };
  }

  /**
   * Assign mode: reads exactly these partitions, without a group (no rebalancing, no group
   * commits). Before run(), the partitions to start with; while running, they replace the current ones.
   */
  assign(partitions: readonly AssignedPartition[]): void {
    if (this.subscription) throw new ConsumerStateError('assign() cannot be combined with subscribe()');
    for (const { topic, partition } of partitions) {
      if (typeof topic !== 'string' || topic.length === 0) {
        throw new ConsumerConfigError('assign[].topic', topic, 'must be a non-empty string');
      }
      if (!Number.isInteger(partition) || partition < 0) {
        throw new ConsumerConfigError('assign[].partition', partition, 'must be a non-negative integer');
      }
    }
    const starts = partitions.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset: offset === undefined ? undefined : parseOffset(offset, 'offset'),
    }));
    this.assignedPartitions = starts;
    const manager = this.fetchManager;
    if (manager) {
      const gone = manager.assigned.filter(
        (s) => !starts.some((p) => p.topic === s.topic && p.partition === s.partition),
      );
      manager.remove(gone);
      manager.add(starts.filter((p) => !manager.state(p.topic, p.partition))).catch((err) => this.crash(err));
    }
  }

  /** Starts consuming; resolves once the first assignment is being fetched (the run goes on in the background). */
  async run(options: RunOptions<K, V>): Promise<void> {
    const { eachMessage, eachBatch, eachBatchAutoResolve = true } = options;
    if ((eachMessage === undefined) === (eachBatch === undefined)) {
      throw new ConsumerConfigError(
        'run',
        Object.keys(options),
        'needs exactly one of eachMessage and eachBatch',
      );
    }
    const concurrency = options.partitionsConsumedConcurrently ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ConsumerConfigError(
        'partitionsConsumedConcurrently',
        concurrency,
        'must be an integer of at least 1',
      );
    }
    const context = this.runContext();
    const handler = eachMessage
      ? eachMessageHandler(eachMessage, context)
      : eachBatchHandler(eachBatch!, eachBatchAutoResolve, context);
    await this.start(handler, concurrency);
  }

  /**
   * The batches as an async iterator, one partition's batch at a time: a batch is processed (and
   * may be committed) once the loop asks for the next one; leaving the loop stops the run.
   * `for await (const batch of consumer.batches()) { ... }` — instead of run(), not beside it.
   */
  batches(): AsyncIterableIterator<Batch<K, V>> {
    const iterator = new BatchIterator<K, V>(() => this.stop());
    this.iterator = iterator;
    const started = this.start(iterator.handler, 1);
    const first = iterator.next.bind(iterator);
    let startedOnce = false;
    // The first next() waits for the start, so errors of run()'s checks surface in the loop.
    iterator.next = async () => {
      if (!startedOnce) {
        startedOnce = true;
        await started;
      }
      return first();
    };
    started.catch(() => undefined);
    return iterator;
  }

  /** Commits these offsets for the group now (the next offset to read for each partition). */
  async commitOffsets(offsets: readonly OffsetToCommit[]): Promise<void> {
    const commits = this.requireGroup('commitOffsets()');
    await commits.commit(
      offsets.map(({ topic, partition, offset, metadata }) => ({
        topic,
        partition,
        offset: parseOffset(offset, 'offset'),
        ...(metadata === undefined ? {} : { metadata }),
      })),
    );
  }

  /** Moves the position of an assigned partition: the next records handed over start at `offset`. */
  seek({
    topic,
    partition,
    offset,
  }: {
    topic: string;
    partition: number;
    offset: bigint | number | string;
  }): void {
    const manager = this.requireRunning('seek()');
    manager.seek(topic, partition, parseOffset(offset, 'offset'));
  }

  /** Stops fetching and handing over these topics (or some of their partitions) until resume(). */
  pause(topics: readonly { topic: string; partitions?: readonly number[] }[]): void {
    const manager = this.requireRunning('pause()');
    for (const { topic, partitions } of topics) manager.pause(topic, partitions);
  }

  resume(topics: readonly { topic: string; partitions?: readonly number[] }[]): void {
    const manager = this.requireRunning('resume()');
    for (const { topic, partitions } of topics) {
      for (const state of manager.resume(topic, partitions)) this.runner?.schedule(state);
    }
  }

  paused(): TopicPartition[] {
    return this.fetchManager?.paused() ?? [];
  }

  /** The partitions being consumed now. */
  assignment(): TopicPartition[] {
    return (this.fetchManager?.assigned ?? []).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Lets running handlers finish, commits what they finished, leaves the group, and stops fetching. */
  async disconnect(): Promise<void> {
    await this.stop();
  }

  // Running.

  private async start(handler: ChunkHandler<K, V>, concurrency: number): Promise<void> {
    if (this.state === 'created') throw new ConsumerStateError('connect() must come before run()');
    if (this.state !== 'connected')
      throw new ConsumerStateError(`run() cannot start a consumer that is ${this.state}`);
    if (!this.subscription && !this.assignedPartitions) {
      throw new ConsumerStateError('run() needs subscribe() (with a groupId) or assign() first');
    }
    this.state = 'running';
    const manager = new FetchManager<K, V>(this.cluster, this.effectiveOptions(), {
      fetched: (state) => this.runner?.schedule(state),
      fatal: (error) => this.crash(error),
    });
    this.fetchManager = manager;
    const runner = new ConsumerRunner<K, V>(
      concurrency,
      handler,
      this.deserializers,
      (state) => manager.drained(state),
      (error) => this.crash(error as Error),
    );
    this.runner = runner;
    try {
      await this.join();
    } catch (err) {
      // Nothing half-started stays behind: the consumer can run() again once the cause is fixed.
      await runner.stop();
      clearInterval(this.idlePollTimer);
      await this.coordinator?.stop();
      manager.stop();
      this.coordinator = undefined;
      this.commits = undefined;
      this.fetchManager = undefined;
      this.runner = undefined;
      this.state = 'connected';
      throw err;
    }
  }

  /** Joins the group (which assigns partitions through the listener), or starts the assigned partitions. */
  private async join(): Promise<void> {
    const manager = this.fetchManager!;
    if (this.subscription) {
      const coordinator = new ConsumerCoordinator(
        this.cluster,
        { ...this.consumerOptions, groupId: this.groupId! },
        this.rebalanceListener(),
        { connection: this.connection },
      );
      this.coordinator = coordinator;
      this.commits = new ConsumerCommits<K, V>(
        coordinator,
        this.options.autoCommitIntervalMs,
        () => manager.assigned,
        (offsets) => this.emit('commit', { groupId: coordinator.groupId, offsets }),
      );
      coordinator.onEvent((event) => this.emit('group', event));
      coordinator.subscribe(this.subscription.topics);
      // maxPollIntervalMs catches stalled handlers, not an idle consumer: with no handler running
      // (nothing to fetch, everything paused), the member says it is alive, as Java's poll loop does.
      const maxPollIntervalMs =
        this.consumerOptions.maxPollIntervalMs ?? DEFAULT_GROUP_OPTIONS.maxPollIntervalMs;
      this.idlePollTimer = setInterval(
        () => {
          if (this.runner?.isIdle) coordinator.notePoll();
        },
        Math.max(1, Math.min(IDLE_POLL_INTERVAL_MS, Math.floor(maxPollIntervalMs / 3))),
      );
      this.idlePollTimer.unref();
      await coordinator.start();
      if (this.options.autoCommit) this.commits.startAutoCommit();
    } else {
      await manager.add(this.assignedPartitions!);
    }
  }

  private effectiveOptions(): ResolvedConsumerOptions {
    return this.subscription?.fromBeginning ? { ...this.options, autoOffsetReset: 'earliest' } : this.options;
  }

  private rebalanceListener(): RebalanceListener {
    return {
      onPartitionsAssigned: async (partitions) => {
        if (partitions.length === 0) return;
        const committed = await this.coordinator!.fetchCommittedOffsets(partitions);
        await this.fetchManager!.add(
          partitions.map(({ topic, partition }) => {
            const offset = committed.get(`${topic}:${partition}`) ?? -1n;
            return { topic, partition, offset: offset >= 0n ? offset : undefined, committed: offset };
          }),
        );
        await this.consumerOptions.onPartitionsAssigned?.(partitions);
      },
      onPartitionsRevoked: async (partitions) => {
        const states = this.fetchManager!.remove(partitions);
        await this.runner!.idle(states);
        if (this.options.autoCommit) await this.commits!.commitFinished(states);
        if (partitions.length > 0) await this.consumerOptions.onPartitionsRevoked?.(partitions);
      },
      // Their handlers may be the ones stalled, and commits would be refused: drop, do not wait.
      onPartitionsLost: async (partitions) => {
        this.fetchManager!.remove(partitions);
        if (partitions.length > 0) await this.consumerOptions.onPartitionsLost?.(partitions);
      },
    };
  }

  private runContext(): RunContext {
    return {
      notePoll: () => this.coordinator?.notePoll(),
      pause: (topic, partition) => {
        this.pause([{ topic, partitions: [partition] }]);
        return () => this.resume([{ topic, partitions: [partition] }]);
      },
      commitOffsetsIfNecessary: async () => {
        if (this.options.autoCommit) await this.commits?.commitIfDue();
      },
      uncommittedOffsets: () => uncommittedOffsets(this.fetchManager?.assigned ?? []),
      isRunning: () => this.state === 'running',
    };
  }

  private crash(error: Error): void {
    if (this.state !== 'running') return;
    // stop() rejects only when its final commit fails; disconnect() reports that, the crash goes on.
    void this.stop()
      .catch(() => undefined)
      .finally(() => {
        const event: ConsumerCrashEvent = { error, groupId: this.groupId };
        if (!this.emit('crash', event)) {
          process.emitWarning(`consumer stopped: ${error.message}`, { type: 'RunnelConsumerCrash' });
        }
      });
  }

  /** Stops the run once, whoever asks (disconnect, a crash, leaving the batches() loop). */
  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      this.commits?.stop();
      clearInterval(this.idlePollTimer);
      this.iterator?.end();
      await this.runner?.stop();
      try {
        if (this.options.autoCommit) await this.commits?.commitFinished();
      } finally {
        await this.coordinator?.stop();
        this.fetchManager?.stop();
        this.state = 'stopped';
        if (this.joinedCluster) await this.cluster.disconnect();
      }
    })();
    return this.stopping;
  }

  private requireGroup(what: string): ConsumerCommits<K, V> {
    if (!this.commits) {
      throw new ConsumerStateError(`${what} needs a running group member: a groupId, subscribe() and run()`);
    }
    return this.commits;
  }

  private requireRunning(what: string): FetchManager<K, V> {
    if (!this.fetchManager || this.state !== 'running')
      throw new ConsumerStateError(`${what} needs a running consumer`);
    return this.fetchManager;
  }
}
