import type { LoggerService } from '@nestjs/common';
import {
  type CoordinatorOptions,
  type DeleteGroupResult,
  type DescribedGroup,
  GroupCoordinator,
  type GroupMetrics,
  InMemoryGroupStore,
  type ListGroupsResult,
  OFFSETS_TOPIC,
  offsetsTopicPartitionFor,
} from '@runnel/coordinator';
import { ErrorCode } from '@runnel/protocol';
import type { AdvertisedAddress } from '../network/broker-endpoint.js';
import type { LeaderPartition } from '../replication/leader-partition.js';
import { readPartitionGroupRecords } from './consumer-offsets-replay.js';
import type { GroupCoordination } from './group-coordination.js';
import { type ReplicatedOffsetsOptions, ReplicatedOffsetsStore } from './replicated-offsets-store.js';

/** What the cluster tells the group coordination about `__consumer_offsets`. */
export interface OffsetsTopicLeadership {
  /** The partition count of the cluster's `__consumer_offsets`, undefined while it does not exist. */
  partitionCount(): number | undefined;
  /** Partition `partition` of `__consumer_offsets` as this broker leads it now, or undefined. */
  leader(partition: number): LeaderPartition | undefined;
  /** Calls `listener` after every change of this broker's leaders; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** FindCoordinator's answer for `groupId` (the topic created first if missing). */
  coordinatorOf(groupId: string, listenerName: string): Promise<AdvertisedAddress | string>;
}

/** One `__consumer_offsets` partition this broker leads, and the coordinator of its groups. */
interface OffsetsPartition {
  readonly coordinator: GroupCoordinator;
  /** False once unloaded: its store then refuses every write. */
  current: boolean;
}

/**
 * A cluster broker's group coordination (Kafka's GroupCoordinator with its GroupMetadataManager's
 * owned partitions): a group's coordinator is the leader of its `__consumer_offsets` partition
 * (`offsetsTopicPartitionFor`), and this broker keeps one `GroupCoordinator` per partition it
 * leads, following every leadership change:
 *
 * - **load**: a partition this broker now leads gets a coordinator that answers
 *   COORDINATOR_LOAD_IN_PROGRESS (Heartbeat: NONE, SyncGroup: REBALANCE_IN_PROGRESS, as Kafka)
 *   until the partition's log has been replayed into it up to the log end it had when leadership
 *   came; then it serves, writing through a ReplicatedOffsetsStore (acks=-1 on the ISR);
 * - **unload**: a partition it no longer leads has its coordinator unloaded at once: waiting
 *   JoinGroup and SyncGroup are answered NOT_COORDINATOR, in-flight writes fail NOT_COORDINATOR,
 *   and its groups are forgotten here (the new leader replays them);
 * - a group whose partition this broker does not lead (or before `__consumer_offsets` exists) is
 *   answered NOT_COORDINATOR, so its members ask FindCoordinator again.
 *
 * A partition whose leader epoch changes while this broker keeps leading it stays loaded (as
 * Kafka: only becoming leader loads). ListGroups lists the groups of every partition led here,
 * or COORDINATOR_LOAD_IN_PROGRESS while one is loading.
 */
export class ClusterGroupCoordinator implements GroupCoordination {
  private readonly partitions = new Map<number, OffsetsPartition>();
  private readonly loading = new Set<Promise<void>>();
  /** Answers NOT_COORDINATOR to everything: the groups of partitions led elsewhere. */
  private readonly elsewhere = new GroupCoordinator({ store: new InMemoryGroupStore() });
  private readonly stopFollowing: () => void;
  private stopped = false;

  readonly coordinatorOf: (groupId: string, listenerName: string) => Promise<AdvertisedAddress | string>;

  constructor(
    private readonly leadership: OffsetsTopicLeadership,
    private readonly options: {
      readonly coordinator: CoordinatorOptions;
      readonly store: ReplicatedOffsetsOptions;
    },
    private readonly logger: LoggerService,
  ) {
    this.elsewhere.unload();
    this.coordinatorOf = (groupId, listenerName) => leadership.coordinatorOf(groupId, listenerName);
    this.stopFollowing = leadership.onChange(() => this.followLeadership());
    this.followLeadership();
  }

  /** Resolves once every load started so far has finished (for tests and startup logs). */
  async loaded(): Promise<void> {
    while (this.loading.size > 0) await Promise.all([...this.loading]);
  }

  /** The partitions of `__consumer_offsets` whose groups this broker coordinates (loaded or loading). */
  get ownedPartitions(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  joinGroup: GroupCoordinator['joinGroup'] = (request) => this.of(request.groupId).joinGroup(request);
  syncGroup: GroupCoordinator['syncGroup'] = (request) => this.of(request.groupId).syncGroup(request);
  heartbeat: GroupCoordinator['heartbeat'] = (request) => this.of(request.groupId).heartbeat(request);
  leaveGroup: GroupCoordinator['leaveGroup'] = (request) => this.of(request.groupId).leaveGroup(request);
  commitOffsets: GroupCoordinator['commitOffsets'] = (request) =>
    this.of(request.groupId).commitOffsets(request);
  fetchOffsets: GroupCoordinator['fetchOffsets'] = (request) =>
    this.of(request.groupId).fetchOffsets(request);

  async describeGroups(groupIds: readonly string[]): Promise<DescribedGroup[]> {
    const described = await Promise.all(groupIds.map((id) => this.of(id).describeGroups([id])));
    return described.flat();
  }

  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    const deleted = await Promise.all(groupIds.map((id) => this.of(id).deleteGroups([id])));
    return deleted.flat();
  }

  async listGroups(): Promise<ListGroupsResult> {
    const listed = await Promise.all([...this.partitions.values()].map((p) => p.coordinator.listGroups()));
    const refused = listed.find((result) => result.errorCode !== ErrorCode.NONE);
    if (refused) return { errorCode: refused.errorCode, groups: [] };
    return { errorCode: ErrorCode.NONE, groups: listed.flatMap((result) => result.groups) };
  }

  groupMetrics(): GroupMetrics[] {
    return [...this.partitions.values()].flatMap((p) => p.coordinator.groupMetrics());
  }

  /** The broker stops: every partition is unloaded (members go to the next coordinator). */
  shutdown(): void {
    this.stopped = true;
    this.stopFollowing();
    for (const partition of [...this.partitions.keys()]) this.unload(partition);
  }

  private of(groupId: string): GroupCoordinator {
    const count = this.leadership.partitionCount();
    if (count === undefined) return this.elsewhere;
    return this.partitions.get(offsetsTopicPartitionFor(groupId, count))?.coordinator ?? this.elsewhere;
  }

  private followLeadership(): void {
    if (this.stopped) return;
    const count = this.leadership.partitionCount() ?? 0;
    for (let partition = 0; partition < count; partition++) {
      const leader = this.leadership.leader(partition);
      const owned = this.partitions.has(partition);
      if (leader && !owned) this.load(partition, leader);
      else if (!leader && owned) this.unload(partition);
    }
    for (const partition of this.partitions.keys()) if (partition >= count) this.unload(partition);
  }

  private load(partition: number, leader: LeaderPartition): void {
    const store = new ReplicatedOffsetsStore(
      () => (owned.current ? this.leadership.leader(partition) : undefined),
      this.options.store,
    );
    const owned: OffsetsPartition = {
      coordinator: new GroupCoordinator({ store, options: this.options.coordinator }),
      current: true,
    };
    this.partitions.set(partition, owned);
    const replay = this.replay(partition, owned, leader).finally(() => this.loading.delete(replay));
    this.loading.add(replay);
  }

  /** Replays the partition's log up to the log end it has now, unless it is unloaded first. */
  private async replay(partition: number, owned: OffsetsPartition, leader: LeaderPartition): Promise<void> {
    const started = Date.now();
    const upTo = leader.log.logEndOffset;
    try {
      const records = await readPartitionGroupRecords(leader.log, upTo);
      if (!owned.current) return;
      owned.coordinator.load(records);
      this.logger.log(
        `${OFFSETS_TOPIC}-${partition}: loaded ${owned.coordinator.groupMetrics().length} group(s) up to offset ${upTo} at leader epoch ${leader.leaderEpoch} in ${Date.now() - started} ms`,
      );
    } catch (err) {
      if (!owned.current) return;
      // Its groups are answered COORDINATOR_NOT_AVAILABLE: nothing is served from a partial replay.
      owned.coordinator.shutdown();
      this.logger.error(`${OFFSETS_TOPIC}-${partition}: cannot load its groups: ${(err as Error).message}`);
    }
  }

  private unload(partition: number): void {
    const owned = this.partitions.get(partition);
    if (!owned) return;
    owned.current = false;
    owned.coordinator.unload();
    this.partitions.delete(partition);
    this.logger.log(`${OFFSETS_TOPIC}-${partition}: unloaded its groups (this broker no longer leads it)`);
  }
}
