import type { LoggerService } from '@nestjs/common';
import { ErrorCode } from '@runnel/protocol';
import { ClusterFencedError } from '../cluster/cluster-fenced-error.js';
import { listenerAddress, NO_LEADER } from '../cluster/cluster-keys.js';
import type { ClusterMetadataStore, Registration } from '../cluster/cluster-metadata-store.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { HighWatermarkCheckpoints } from './high-watermark-checkpoint.js';
import { LeaderPartition } from './leader-partition.js';
import type { InterBrokerSecurity } from './replica-connection.js';
import { ReplicaFetcher } from './replica-fetcher.js';

export interface ReplicationConfig {
  readonly nodeId: number;
  /** `replica.lag.time.max.ms`: how long an in-sync follower may go without catching up. */
  readonly replicaLagTimeMaxMs: number;
  /** `inter.broker.listener.name`: the leaders' listener this broker's fetchers connect to. */
  readonly interBrokerListenerName: string;
  /** The TLS material and SASL user this broker uses on that listener, as its security protocol needs. */
  readonly interBrokerSecurity: InterBrokerSecurity;
  /** Where `replication-offset-checkpoint` is kept (the log directory). */
  readonly dataDir: string;
  /** `replica.high.watermark.checkpoint.interval.ms`: how often the high watermarks are checkpointed. */
  readonly replicaHighWatermarkCheckpointIntervalMs: number;
}

/**
 * This broker's replicas of the cluster's partitions (Kafka's ReplicaManager), kept in line with
 * the metadata cache after every change (`update`):
 *
 * - a partition it leads is a LeaderPartition at the state's leader epoch: followers' fetches
 *   move its high watermark and complete acks=-1 produces;
 * - a partition another live broker leads is fetched by the ReplicaFetcher of that broker;
 * - every hosted log holds its high watermark (only the leader moves it), starting after a restart
 *   from the one checkpointed in `replication-offset-checkpoint` (HighWatermarkCheckpoints).
 *
 * The ISR (Kafka's AlterPartition, written by the leader itself here): every
 * `replica.lag.time.max.ms / 2` the leader drops the in-sync followers that have not caught up
 * for longer than `replica.lag.time.max.ms`, and on every follower fetch it adds those that have
 * caught up and are registered. Each change is one transaction that requires the state to be the one this leader
 * read (its mod revision) and this broker's registration to hold, so a leader that lost its lease
 * or its leadership changes nothing; the leader epoch stays (an ISR change is not a new leader).
 */
export class ReplicaManager {
  private readonly leading = new Map<string, LeaderPartition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly isrWrites = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly highWatermarks: HighWatermarkCheckpoints;

  constructor(
    private readonly config: ReplicationConfig,
    private readonly store: ClusterMetadataStore,
    private readonly topics: TopicManager,
    private readonly registration: () => Registration | undefined,
    private readonly logger: LoggerService,
  ) {
    this.timer = setInterval(() => this.shrinkIsrs(), Math.max(10, config.replicaLagTimeMaxMs / 2));
    this.timer.unref();
    this.highWatermarks = new HighWatermarkCheckpoints(
      config.dataDir,
      config.replicaHighWatermarkCheckpointIntervalMs,
      (topic, partition) => topics.localLog(topic, partition),
      logger,
    );
  }

  /** The partition this broker leads at its current epoch, or undefined. */
  leader(topic: string, partition: number): LeaderPartition | undefined {
    return this.leading.get(key(topic, partition));
  }

  /**
   * Why follower `replicaId` may not fetch the partition here at `currentLeaderEpoch`, or NONE:
   * NOT_LEADER_OR_FOLLOWER when this broker does not lead it or the fetcher is not one of its
   * replicas, FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for an older / newer epoch.
   */
  followerRefusal(topic: string, partition: number, replicaId: number, currentLeaderEpoch: number): number {
    const leader = this.leader(topic, partition);
    if (!leader?.isReplica(replicaId)) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (currentLeaderEpoch === -1 || currentLeaderEpoch === leader.leaderEpoch) return ErrorCode.NONE;
    return currentLeaderEpoch < leader.leaderEpoch
      ? ErrorCode.FENCED_LEADER_EPOCH
      : ErrorCode.UNKNOWN_LEADER_EPOCH;
  }

  /** A follower fetched from `fetchOffset`: its position moves the high watermark, and may return it to the ISR. */
  followerFetched(topic: string, partition: number, replicaId: number, fetchOffset: bigint): void {
    const leader = this.leader(topic, partition);
    if (!leader) return;
    const nowMs = Date.now();
    leader.followerFetched(replicaId, fetchOffset, nowMs);
    // Only registered brokers join (KIP-841): a broker still starting up, or whose lease lapsed,
    // would be taken out again by the controller at once, at the cost of a leader epoch.
    const joining = leader
      .caughtUpFollowers(nowMs, this.config.replicaLagTimeMaxMs)
      .filter((id) => this.store.cache.brokers.has(id));
    if (joining.length > 0) void this.writeIsr(leader, [...leader.isr, ...joining], 'caught up', joining);
  }

  /** Brings leaders and fetchers in line with the metadata cache. */
  update(): void {
    if (this.closed) return;
    const { cache } = this.store;
    const nodeId = this.config.nodeId;
    const seen = new Set<string>();
    for (const [topic, { value: assignment }] of cache.topics) {
      for (const [partition, replicas] of assignment.partitions.entries()) {
        if (!replicas.includes(nodeId)) continue;
        const state = cache.partitionState(topic, partition)?.value;
        const log = this.topics.localLog(topic, partition);
        if (!state || !log || log.isOffline) continue;
        const k = key(topic, partition);
        seen.add(k);
        this.highWatermarks.hold(topic, partition, log);
        const current = this.leading.get(k);
        if (state.leader === nodeId) {
          this.stopFollowing(topic, partition);
          if (current?.leaderEpoch === state.leaderEpoch) current.setIsr(state.isr);
          else {
            current?.resign();
            this.leading.set(
              k,
              new LeaderPartition(
                topic,
                partition,
                log,
                state.leaderEpoch,
                nodeId,
                replicas,
                state.isr,
                Date.now(),
              ),
            );
          }
          continue;
        }
        if (current) {
          current.resign();
          this.leading.delete(k);
        }
        if (state.leader === NO_LEADER || !cache.brokers.has(state.leader)) {
          this.stopFollowing(topic, partition);
          continue;
        }
        const fetcher = this.fetcherOf(state.leader);
        if (fetcher.has(topic, partition, state.leaderEpoch)) continue;
        this.stopFollowing(topic, partition);
        fetcher.add({ topic, partition, log, leaderEpoch: state.leaderEpoch });
      }
    }
    for (const [k, leader] of this.leading) {
      if (seen.has(k)) continue;
      leader.resign();
      this.leading.delete(k);
    }
    for (const [id, fetcher] of this.fetchers) if (fetcher.size === 0) this.fetchers.delete(id);
  }

  /**
   * Stops leading and following partitions 0 to `partitions` - 1 of `topic`, before its local
   * logs are deleted (the cluster deleted it, or created it again): its acks=-1 waiters are
   * answered NOT_LEADER_OR_FOLLOWER and no fetcher appends to it any more. A later `update`
   * takes up the topic's new incarnation once its logs are hosted.
   */
  dropTopic(topic: string, partitions: number): void {
    for (let p = 0; p < partitions; p++) {
      this.leading.get(key(topic, p))?.resign();
      this.leading.delete(key(topic, p));
      this.stopFollowing(topic, p);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const leader of this.leading.values()) leader.resign();
    this.leading.clear();
    await Promise.all([...this.fetchers.values()].map((f) => f.close()));
    this.fetchers.clear();
    // Last, so it records the high watermarks the fetchers reached.
    await this.highWatermarks.close();
  }

  private fetcherOf(leaderId: number): ReplicaFetcher {
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(
        leaderId,
        this.config.nodeId,
        () => {
          const leader = this.store.cache.brokers.get(leaderId);
          return leader && listenerAddress(leader, this.config.interBrokerListenerName);
        },
        this.config.interBrokerSecurity,
        this.logger,
      );
      this.fetchers.set(leaderId, fetcher);
    }
    return fetcher;
  }

  private stopFollowing(topic: string, partition: number): void {
    for (const fetcher of this.fetchers.values()) fetcher.remove(topic, partition);
  }

  private shrinkIsrs(): void {
    const nowMs = Date.now();
    for (const leader of this.leading.values()) {
      const lagging = leader.laggingFollowers(nowMs, this.config.replicaLagTimeMaxMs);
      if (lagging.length === 0) continue;
      void this.writeIsr(
        leader,
        leader.isr.filter((id) => !lagging.includes(id)),
        `${lagging.join(', ')} not caught up within replica.lag.time.max.ms (${this.config.replicaLagTimeMaxMs} ms)`,
      );
    }
  }

  /**
   * Writes `isr` for the leader's partition if its state is still this leader's at its epoch; one
   * write per partition at a time. The followers it `adds` hold the high watermark from before the
   * write (LeaderPartition.expandingIsr) until it is known not to have happened.
   */
  private async writeIsr(
    leader: LeaderPartition,
    isr: readonly number[],
    why: string,
    adds: readonly number[] = [],
  ): Promise<void> {
    const k = key(leader.topic, leader.partition);
    const registration = this.registration();
    const current = this.store.cache.partitionState(leader.topic, leader.partition);
    if (!registration || !current || this.isrWrites.has(k)) return;
    if (current.value.leader !== this.config.nodeId || current.value.leaderEpoch !== leader.leaderEpoch)
      return;
    this.isrWrites.add(k);
    leader.expandingIsr(adds);
    let written = false;
    try {
      written = await this.store.writePartitionState(
        leader.topic,
        leader.partition,
        { ...current.value, isr },
        current.modRevision,
        registration.fence,
      );
      if (written) {
        this.logger.log(
          `${leader.topic}-${leader.partition}: isr [${current.value.isr.join(', ')}] -> [${isr.join(', ')}] (${why})`,
        );
      }
    } catch (err) {
      if (!(err instanceof ClusterFencedError)) {
        this.logger.error(`${leader.topic}-${leader.partition}: isr not written: ${(err as Error).message}`);
      }
    } finally {
      this.isrWrites.delete(k);
      if (!written) leader.isrExpansionFailed(adds);
    }
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
