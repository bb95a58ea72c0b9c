import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@runnel/protocol';
import type { DeleteGroupResult, DescribedGroup, GroupMetrics, ListGroupsResult } from './admin-types.js';
import { type Clock, systemClock } from './clock.js';
import {
  type CoordinatorConfig,
  type CoordinatorOptions,
  resolveCoordinatorConfig,
} from './coordinator-config.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { GroupMetadata } from './group-metadata.js';
import { GroupMetadataManager } from './group-metadata-manager.js';
import type { GroupRecord } from './group-records.js';
import { replayGroupRecords } from './group-replay.js';
import { restoreGroup } from './group-snapshot.js';
import type { GroupStore } from './group-store.js';
import { describeGroup, groupMetrics } from './group-views.js';
import { handleHeartbeat } from './heartbeat-handler.js';
import { handleJoinGroup } from './join-group-handler.js';
import { joinError, syncError } from './join-results.js';
import { handleLeaveGroup } from './leave-group-handler.js';
import type {
  HeartbeatRequest,
  HeartbeatResult,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './membership-types.js';
import { handleOffsetCommit } from './offset-commit-handler.js';
import { expiredOffsets } from './offset-expiration.js';
import type {
  OffsetCommitRequest,
  OffsetCommitResult,
  OffsetFetchRequest,
  OffsetFetchResult,
} from './offset-types.js';
import { Rebalancer } from './rebalancer.js';
import type { ScheduledTask, Scheduler } from './scheduler.js';
import { handleSyncGroup } from './sync-group-handler.js';
import { TimerScheduler } from './timer-scheduler.js';

export interface GroupCoordinatorDeps {
  /** Where groups and offsets are persisted (`__consumer_offsets` in the broker). */
  readonly store: GroupStore;
  /** Wall-clock time (default: the system clock). */
  readonly clock?: Clock;
  /** Timers (default: a `TimerScheduler`; tests pass a `ManualScheduler` as clock and scheduler). */
  readonly scheduler?: Scheduler;
  readonly options?: CoordinatorOptions;
}

/** What one expiry pass removed. */
export interface ExpiryResult {
  readonly offsetsRemoved: number;
  readonly groupsRemoved: readonly string[];
}

/**
 * Kafka's classic group coordinator for the groups of one broker: consumer group membership
 * (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), committed offsets (OffsetCommit, OffsetFetch)
 * and their administration (DescribeGroups, ListGroups, DeleteGroups), with session and rebalance
 * timeouts and offset retention driven by the injected scheduler.
 *
 * Lifecycle: requests are answered COORDINATOR_LOAD_IN_PROGRESS until `load` has replayed the
 * stored records, COORDINATOR_NOT_AVAILABLE after `shutdown`, and NOT_COORDINATOR after `unload`
 * (in a cluster, one coordinator serves the groups of one `__consumer_offsets` partition while
 * this broker leads it). Requests that wait (JoinGroup
 * until the rebalance completes, SyncGroup until the leader's assignment) return promises that
 * always settle: by the protocol, by a timeout, or by `shutdown`. No method rejects.
 */
export class GroupCoordinator {
  readonly config: CoordinatorConfig;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #groups: GroupMetadataManager;
  readonly #rebalancer: Rebalancer;
  readonly #ctx: CoordinatorContext;
  #status: 'loading' | 'active' | 'shut down' | 'unloaded' = 'loading';
  #expiryTask: ScheduledTask | null = null;

  constructor(deps: GroupCoordinatorDeps) {
    this.config = resolveCoordinatorConfig(deps.options);
    this.#clock = deps.clock ?? systemClock;
    this.#scheduler = deps.scheduler ?? new TimerScheduler();
    this.#groups = new GroupMetadataManager(this.#clock, deps.store);
    this.#rebalancer = new Rebalancer(this.#clock, this.#scheduler, this.config, this.#groups);
    this.#ctx = {
      clock: this.#clock,
      config: this.config,
      groups: this.#groups,
      rebalancer: this.#rebalancer,
      newMemberId: (prefix) => `${prefix}-${randomUUID()}`,
    };
  }

  /**
   * Rebuilds groups and offsets from the records read back from the store, oldest first, and
   * starts serving. Replayed members must heartbeat within their session timeout or are expelled.
   * Called once; `load([])` for a fresh start.
   */
  load(records: Iterable<GroupRecord>): void {
    if (this.#status !== 'loading') throw new Error(`load called on a coordinator that is ${this.#status}`);
    for (const [groupId, replayed] of replayGroupRecords(records)) {
      const group = new GroupMetadata(groupId, this.#clock.now());
      if (replayed.metadata !== null) restoreGroup(group, replayed.metadata);
      for (const { topic, partition, value } of replayed.offsets) group.offsets.set(topic, partition, value);
      this.#groups.add(group);
      for (const member of group.members.values()) this.#rebalancer.scheduleHeartbeatExpiry(group, member);
      // Over a lowered group.max.size: rebalance, so that the members that rejoin last are shed.
      if (group.size > this.config.groupMaxSize) this.#rebalancer.prepareRebalance(group);
    }
    this.#status = 'active';
    this.#scheduleExpiry(0);
  }

  /** Stops every timer and answers every waiting request NOT_COORDINATOR; later requests get COORDINATOR_NOT_AVAILABLE. */
  shutdown(): void {
    this.#status = 'shut down';
    this.#expiryTask?.cancel();
    this.#expiryTask = null;
    for (const group of this.#groups.all()) this.#rebalancer.abandon(group, ErrorCode.NOT_COORDINATOR);
  }

  /**
   * This broker no longer coordinates these groups (it stopped leading their `__consumer_offsets`
   * partition): as `shutdown`, and every later request is answered NOT_COORDINATOR, so that
   * members look for their coordinator again. Allowed in any state, a loading one included.
   */
  unload(): void {
    this.shutdown();
    this.#status = 'unloaded';
  }

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult> {
    const refusal = this.#membershipRefusal(request.groupId);
    if (refusal !== ErrorCode.NONE) return Promise.resolve(joinError(request.memberId, refusal));
    return new Promise((resolve) => handleJoinGroup(this.#ctx, request, resolve));
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResult> {
    const refusal = this.#membershipRefusal(request.groupId);
    // A loading coordinator lost the rebalance in progress: the members must rejoin.
    if (refusal === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    if (refusal !== ErrorCode.NONE) return Promise.resolve(syncError(refusal));
    return new Promise((resolve) => handleSyncGroup(this.#ctx, request, resolve));
  }

  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResult> {
    const refusal = this.#membershipRefusal(request.groupId);
    // While loading the member cannot be checked; it is not told to rejoin for that.
    if (refusal === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
      return Promise.resolve({ errorCode: ErrorCode.NONE });
    if (refusal !== ErrorCode.NONE) return Promise.resolve({ errorCode: refusal });
    return Promise.resolve({ errorCode: handleHeartbeat(this.#ctx, request) });
  }

  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResult> {
    const refusal = this.#membershipRefusal(request.groupId);
    if (refusal !== ErrorCode.NONE) return Promise.resolve({ errorCode: refusal, members: [] });
    return Promise.resolve(handleLeaveGroup(this.#ctx, request));
  }

  commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResult> {
    const refusal = this.#refusal();
    if (refusal !== ErrorCode.NONE) {
      return Promise.resolve({
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: refusal })),
        })),
      });
    }
    return handleOffsetCommit(this.#ctx, request);
  }

  fetchOffsets(request: OffsetFetchRequest): Promise<OffsetFetchResult> {
    const refusal = this.#refusal();
    if (refusal !== ErrorCode.NONE) return Promise.resolve({ errorCode: refusal, topics: [] });
    return Promise.resolve(this.#groups.fetchOffsets(request));
  }

  describeGroups(groupIds: readonly string[]): Promise<DescribedGroup[]> {
    return Promise.resolve(
      groupIds.map((groupId) => {
        const refusal = this.#refusal();
        if (refusal === ErrorCode.NONE) return describeGroup(groupId, this.#groups.get(groupId));
        return {
          errorCode: refusal,
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
        };
      }),
    );
  }

  listGroups(): Promise<ListGroupsResult> {
    const refusal = this.#refusal();
    if (refusal !== ErrorCode.NONE) return Promise.resolve({ errorCode: refusal, groups: [] });
    const groups = [...this.#groups.all()].map((group) => ({
      groupId: group.groupId,
      protocolType: group.protocolType,
      groupState: group.state,
    }));
    return Promise.resolve({ errorCode: ErrorCode.NONE, groups });
  }

  /**
   * Deletes Empty groups with all their offsets (tombstones written); a group with members is
   * NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
   */
  deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const refusal = this.#refusal();
        if (refusal !== ErrorCode.NONE) return { groupId, errorCode: refusal };
        const group = this.#groups.get(groupId);
        if (group === undefined) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (!group.is('Empty')) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        const offsets = [...group.offsets.entries()];
        return { groupId, errorCode: await this.#groups.removeOffsetsAndMaybeGroup(group, offsets, true) };
      }),
    );
  }

  /**
   * One expiry pass: removes expired offsets (see `expiredOffsets`) and the Empty groups left
   * without offsets, writing their tombstones. Runs by itself every `offsetsRetentionCheckIntervalMs`
   * (and once right after `load`); resolves when the tombstones are written.
   */
  async expireOffsets(): Promise<ExpiryResult> {
    const now = this.#clock.now();
    const writes: Promise<number>[] = [];
    const groupsRemoved: string[] = [];
    let offsetsRemoved = 0;
    for (const group of [...this.#groups.all()]) {
      const expired = expiredOffsets(group, now, this.config.offsetsRetentionMs);
      const removeGroup =
        group.is('Empty') && !group.offsets.hasPending && group.offsets.size === expired.length;
      if (expired.length === 0 && !removeGroup) continue;
      offsetsRemoved += expired.length;
      if (removeGroup) groupsRemoved.push(group.groupId);
      writes.push(this.#groups.removeOffsetsAndMaybeGroup(group, expired, removeGroup));
    }
    // A tombstone that failed to be written leaves its offset (or group) in the log: it comes back
    // at the next restart and expires again then. Errs on keeping offsets, never on losing them.
    await Promise.all(writes);
    return { offsetsRemoved, groupsRemoved };
  }

  /** State, size and committed offsets of every group, for metrics and consumer lag. */
  groupMetrics(): GroupMetrics[] {
    return [...this.#groups.all()].map(groupMetrics);
  }

  #scheduleExpiry(delayMs: number): void {
    this.#expiryTask = this.#scheduler.schedule(delayMs, () => {
      void this.expireOffsets();
      this.#scheduleExpiry(this.config.offsetsRetentionCheckIntervalMs);
    });
  }

  /**
   * Kafka's validateGroupStatus for group management requests, which need a group id (offsets and
   * administration accept '' for compatibility with old clients, as Kafka does).
   */
  #membershipRefusal(groupId: string): number {
    return groupId === '' ? ErrorCode.INVALID_GROUP_ID : this.#refusal();
  }

  /** NONE when the coordinator serves requests. */
  #refusal(): number {
    if (this.#status === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.#status === 'shut down') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.#status === 'unloaded') return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }
}
