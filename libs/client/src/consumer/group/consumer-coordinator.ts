import { type Clock, type Scheduler, systemClock, TimerScheduler } from '@runnel/coordinator';
import { JoinGroup, KafkaError, LeaveGroup, SyncGroup } from '@runnel/protocol';
import type { ConnectionOptions } from '../../connection/broker-connection.js';
import type { Cluster } from '../../metadata/cluster.js';
import type { TopicPartition } from '../../metadata/topic-partition.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeMemberAssignment,
  encodeGroupAssignment,
  groupTopics,
  joinProtocols,
  memberSubscriptions,
} from './assignment-strategy.js';
import { type ConsumerGroupOptions, type GroupConfig, resolveGroupConfig } from './consumer-group-options.js';
import { CoordinatorConnections } from './coordinator-connections.js';
import { type GroupErrorAction, joinGroupAction, syncGroupAction } from './group-error-actions.js';
import { ConsumerGroupConfigError, GroupMembershipError } from './group-errors.js';
import type { GroupEvent, GroupEventListener, GroupLogger } from './group-events.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { type MembershipEffects, OffsetCommitter } from './offset-committer.js';
import type { MemberIdentity, OffsetToCommit } from './offset-requests.js';
import { assignmentChange, beforeJoin, onLeave, without } from './rebalance-changes.js';

/**
 * What the consumer does when its partitions change. The coordinator calls one method at a time,
 * in order, and waits for each; a heartbeat keeps the member in its group meanwhile.
 */
export interface RebalanceListener {
  /** Stop fetching these, let in-flight handlers of them finish, commit their progress; resolve when done. */
  onPartitionsRevoked(partitions: TopicPartition[]): Promise<void>;
  /**
   * Start fetching these from their committed offsets (or autoOffsetReset). Called after every
   * completed rebalance, with an empty list when nothing was added.
   */
  onPartitionsAssigned(partitions: TopicPartition[]): Promise<void>;
  /**
   * Lost without a chance to commit (session expired, fenced, left after a poll timeout): stop
   * fetching them and drop their progress; do not wait for their handlers, which may be the ones
   * stalled, and whose commits would be refused.
   */
  onPartitionsLost(partitions: TopicPartition[]): Promise<void>;
}

export interface CoordinatorDependencies {
  /** Client id and timeouts for the coordinator connections. */
  readonly connection: ConnectionOptions;
  readonly logger?: GroupLogger;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
}

/** A JoinGroup waits for the whole rebalance: its timeout is the rebalance timeout plus this (Java's lapse). */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;

type MemberState = 'unjoined' | 'rebalancing' | 'stable';

/**
 * The member's side of Kafka's classic consumer group protocol, after Java's ConsumerCoordinator
 * and AbstractCoordinator: find the coordinator, join (JoinGroup, retried with the member id that
 * MEMBER_ID_REQUIRED hands out), let the leader assign with the group's assignor, learn the
 * assignment (SyncGroup), heartbeat, commit, and leave.
 *
 * One run loop makes every membership change and every listener call, one at a time; heartbeats
 * and commits only ask it to act (`#requestRejoin`, `#resetMember`). Under the eager protocol a
 * member revokes everything before it joins; under the cooperative protocol (every assignor
 * cooperative) it keeps consuming what it owns, revokes only what the new assignment takes away,
 * and rejoins at once when it revoked something, so the next rebalance hands that over.
 *
 * Invariant: `assignment` is what the listener was last told the member owns.
 */
export class ConsumerCoordinator {
  readonly #config: GroupConfig;
  readonly #connections: CoordinatorConnections;
  readonly #heartbeats: HeartbeatLoop;
  readonly #offsets: OffsetCommitter;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #logger: GroupLogger | undefined;
  readonly #eventListeners: GroupEventListener[] = [];
  #topics: string[] = [];
  #memberId = '';
  #generationId = -1;
  #state: MemberState = 'unjoined';
  #owned: TopicPartition[] = [];
  #lastAssignment: TopicPartition[] | null = null;
  #lastGenerationId = -1;
  #rejoinNeeded = true;
  /** Left the group after a poll timeout; rejoins at the next `notePoll`. */
  #pollTimedOut = false;
  #stopping = false;
  #failure: Error | undefined;
  #running: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  readonly #firstAssignment = deferred();

  constructor(
    private readonly cluster: Cluster,
    options: ConsumerGroupOptions,
    private readonly listener: RebalanceListener,
    deps: CoordinatorDependencies,
  ) {
    this.#config = resolveGroupConfig(options);
    this.#clock = deps.clock ?? systemClock;
    this.#scheduler = deps.scheduler ?? new TimerScheduler();
    this.#logger = deps.logger;
    this.#connections = new CoordinatorConnections(this.#config.groupId, cluster, deps.connection);
    this.#heartbeats = new HeartbeatLoop(this.#config, this.#connections, this.#clock, this.#scheduler, {
      onHeartbeatError: (action, error) => this.#onHeartbeatError(action, error),
      onPollTimeout: (sincePollMs) => this.#onPollTimeout(sincePollMs),
    });
    this.#offsets = new OffsetCommitter(
      this.#config.groupId,
      this.#connections,
      this.#config.retryBackoffMs,
      this.#clock,
      this.#scheduler,
    );
    // start() hands this promise out; a stop or failure before the first assignment rejects it.
    this.#firstAssignment.promise.catch(() => {});
  }

  /** What the member owns: what the listener was last given, less what it was told to give up. */
  get assignment(): TopicPartition[] {
    return [...this.#owned];
  }

  get groupId(): string {
    return this.#config.groupId;
  }

  get memberId(): string {
    return this.#memberId;
  }

  get generationId(): number {
    return this.#generationId;
  }

  /** The topics to consume; a change after `start` makes the member rejoin. */
  subscribe(topics: string[]): void {
    const bad = topics.find((topic) => typeof topic !== 'string' || topic.length === 0);
    if (topics.length === 0 || bad !== undefined) {
      throw new ConsumerGroupConfigError(
        'topics',
        topics,
        'subscribe to at least one topic, each a non-empty name',
      );
    }
    const next = [...new Set(topics)].sort();
    const changed = next.join('\u0000') !== this.#topics.join('\u0000');
    this.#topics = next;
    if (changed && this.#running !== undefined) this.#requestRejoin('the subscription changed');
  }

  /** Joins the group; resolves once the first assignment reached the listener. */
  start(): Promise<void> {
    if (this.#topics.length === 0) {
      throw new ConsumerGroupConfigError('topics', [], 'subscribe() to at least one topic before start()');
    }
    if (this.#running === undefined) {
      this.#heartbeats.notePoll();
      this.#running = this.#run();
    }
    return this.#firstAssignment.promise;
  }

  /** The consumer made progress (handlers finished, or it is ready for more records). */
  notePoll(): void {
    this.#heartbeats.notePoll();
    if (this.#pollTimedOut && !this.#stopping) {
      this.#pollTimedOut = false;
      this.#requestRejoin('the consumer made progress again after its poll timeout');
    }
  }

  commitOffsets(offsets: OffsetToCommit[]): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return this.#offsets.commit(offsets, () => this.#identity(), this.#effects);
  }

  fetchCommittedOffsets(partitions: TopicPartition[]): Promise<Map<string, bigint>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return this.#offsets.fetch(partitions, this.#effects);
  }

  /** Events for the consumer to pass on (joins, rebalances, poll timeouts, failures). */
  onEvent(listener: GroupEventListener): void {
    this.#eventListeners.push(listener);
  }

  /**
   * Revokes what the member owns (the listener commits), sends LeaveGroup unless the member is
   * static (a static member's partitions wait for it, up to `sessionTimeoutMs`), and closes the
   * coordinator connections.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#running ?? Promise.resolve();
    this.#stopping = true;
    this.#heartbeats.stop();
    // A JoinGroup or SyncGroup may wait for the whole rebalance: end it now.
    if (this.#state === 'rebalancing') await this.#connections.abortMembership();
    this.#wakeUp?.();
    this.#running ??= Promise.resolve();
    const stopped = this.#running.then(() => this.#leave());
    this.#running = stopped;
    return stopped;
  }

  async #leave(): Promise<void> {
    this.#firstAssignment.reject(
      new GroupMembershipError(this.groupId, 'stopped before its first assignment'),
    );
    const canCommit =
      this.#failure === undefined && this.#generationId >= 0 && this.#memberId !== '' && !this.#pollTimedOut;
    await this.#giveUp(onLeave(this.#owned, canCommit));
    if (this.#config.groupInstanceId === null && this.#memberId !== '') {
      await this.#sendLeaveGroup('the consumer is stopping');
    }
    this.#memberId = '';
    this.#generationId = -1;
    this.#state = 'unjoined';
    await this.#connections.markUnknown();
  }

  /**
   * The run loop. It decides what to do from the flags synchronously before each wait, so a
   * request made while it was busy (a rejoin, a stop) is never missed.
   */
  async #run(): Promise<void> {
    while (!this.#stopping && this.#failure === undefined) {
      try {
        if (this.#pollTimedOut && this.#owned.length > 0) await this.#giveUp(onLeave(this.#owned, false));
        else if (this.#rejoinNeeded && !this.#pollTimedOut) await this.#joinOnce();
        else await this.#idle();
      } catch (error) {
        if (!this.#stopping) this.#fail(error as Error);
      }
    }
    if (this.#failure !== undefined) {
      // A member that cannot stay does not leave either (Java neither): its partitions are lost.
      await this.#giveUp(onLeave(this.#owned, false)).catch(() => {});
      this.#memberId = '';
      this.#generationId = -1;
      this.#state = 'unjoined';
      await this.#connections.markUnknown();
    }
  }

  /** One join: JoinGroup, the leader's assignment, SyncGroup, the listener. Failures back off and return. */
  async #joinOnce(): Promise<void> {
    await this.#giveUp(
      beforeJoin(this.#owned, this.#config.rebalanceProtocol, this.#generationId >= 0, this.#topics),
    );
    if (this.#stopping) return;
    this.#heartbeats.stop();
    this.#state = 'rebalancing';
    this.#rejoinNeeded = false;
    try {
      const connection = await this.#connections.membership();
      const join = await connection.request(JoinGroup, this.#joinRequest(), {
        timeoutMs: this.#config.rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS,
      });
      const joinAction = joinGroupAction(join.errorCode);
      if (joinAction === 'member-id-required') {
        this.#memberId = join.memberId;
        this.#rejoinNeeded = true;
        return;
      }
      if (joinAction !== 'none') return await this.#retryJoin(joinAction, 'JoinGroup', join.errorCode);
      this.#memberId = join.memberId;
      this.#generationId = join.generationId;
      const isLeader = join.leader === join.memberId;
      const assignments = isLeader ? await this.#assign(join.protocolName, join.members) : [];
      const sync = await connection.request(
        SyncGroup,
        { ...this.#identity(), assignments },
        { timeoutMs: this.#config.rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS },
      );
      const syncAction = syncGroupAction(sync.errorCode);
      if (syncAction !== 'none') return await this.#retryJoin(syncAction, 'SyncGroup', sync.errorCode);
      await this.#completeJoin(decodeMemberAssignment(sync.assignment), join.protocolName, join.leader);
    } catch (error) {
      if (this.#stopping) return;
      if (error instanceof GroupMembershipError) throw error;
      // A lost connection, a timeout, an undecodable answer: find the coordinator again and rejoin.
      this.#state = 'unjoined';
      this.#rejoinNeeded = true;
      this.#logger?.warn(`group '${this.groupId}': join failed, retrying: ${(error as Error).message}`);
      await this.#connections.markUnknown();
      await this.#sleep(this.#config.retryBackoffMs);
    }
  }

  #joinRequest() {
    return {
      groupId: this.groupId,
      sessionTimeoutMs: this.#config.sessionTimeoutMs,
      rebalanceTimeoutMs: this.#config.rebalanceTimeoutMs,
      memberId: this.#memberId,
      groupInstanceId: this.#config.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: joinProtocols(this.#config.assignors, {
        topics: this.#topics,
        owned: this.#owned,
        lastAssignment: this.#lastAssignment,
        lastGenerationId: this.#lastGenerationId,
      }),
    };
  }

  /** The leader's part: every member's share, by the assignor the group chose. */
  async #assign(
    protocolName: string,
    members: readonly { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[],
  ) {
    const assignor = this.#config.assignors.find(({ name }) => name === protocolName);
    if (assignor === undefined) {
      throw new GroupMembershipError(
        this.groupId,
        `the group chose assignor '${protocolName}', which this member did not offer`,
      );
    }
    const subscriptions = memberSubscriptions(members);
    const topics = groupTopics(subscriptions);
    await this.cluster.metadata(topics);
    const partitionsPerTopic = new Map<string, number>();
    for (const topic of topics) {
      const count = this.cluster.partitionCount(topic);
      if (count !== undefined) partitionsPerTopic.set(topic, count);
    }
    return encodeGroupAssignment(
      subscriptions,
      assignor.assign({ members: subscriptions, partitionsPerTopic }),
    );
  }

  async #completeJoin(assigned: TopicPartition[], protocol: string, leaderId: string): Promise<void> {
    const generationId = this.#generationId;
    this.#state = 'stable';
    this.#lastAssignment = assigned;
    this.#lastGenerationId = generationId;
    this.#heartbeats.start(this.#identity());
    const change = assignmentChange(this.#owned, assigned, this.#config.rebalanceProtocol);
    if (change.revoked.length > 0) {
      await this.listener.onPartitionsRevoked(change.revoked);
      this.#owned = without(this.#owned, change.revoked);
    }
    if (change.rejoin) this.#requestRejoin('partitions were revoked, and another member waits for them');
    this.#owned = change.owned;
    await this.listener.onPartitionsAssigned(change.added);
    this.#firstAssignment.resolve();
    this.#emit({
      type: 'group-join',
      groupId: this.groupId,
      memberId: this.#memberId,
      generationId,
      leaderId,
      isLeader: leaderId === this.#memberId,
      protocol,
      assigned: change.owned,
      added: change.added,
      revoked: change.revoked,
    });
  }

  /** What a failed JoinGroup or SyncGroup answer means; `fatal` throws. */
  async #retryJoin(action: GroupErrorAction, request: string, errorCode: number): Promise<void> {
    const error = KafkaError.fromCode(errorCode, { context: `group '${this.groupId}' ${request}` });
    this.#state = 'unjoined';
    this.#rejoinNeeded = true;
    switch (action) {
      case 'fatal':
        throw new GroupMembershipError(this.groupId, `cannot be a member: ${error.message}`, {
          cause: error,
        });
      case 'reset-member':
        this.#resetMember(`${request} answered ${error.errorName}`);
        return;
      case 'find-coordinator':
        await this.#connections.markUnknown();
        await this.#sleep(this.#config.retryBackoffMs);
        return;
      case 'retry':
        await this.#sleep(this.#config.retryBackoffMs);
        return;
      default:
        // `rejoin`: join again at once, as the same member.
        return;
    }
  }

  #onHeartbeatError(action: GroupErrorAction, error: KafkaError): void {
    switch (action) {
      case 'rejoin':
        this.#requestRejoin('the coordinator started a rebalance');
        return;
      case 'reset-member':
        this.#resetMember(`Heartbeat answered ${error.errorName}`);
        return;
      case 'fatal':
        this.#fail(
          new GroupMembershipError(this.groupId, `cannot stay a member: ${error.message}`, { cause: error }),
        );
        return;
      case 'find-coordinator':
        void this.#connections.markUnknown();
        return;
      default:
        return;
    }
  }

  /**
   * The handlers stalled past `maxPollIntervalMs`: leave, so the group gives the partitions to
   * members that make progress (a static member sends no LeaveGroup and is expelled at its
   * session timeout, as Java does), and say so. The member rejoins at its next `notePoll`.
   */
  #onPollTimeout(sincePollMs: number): void {
    const { maxPollIntervalMs } = this.#config;
    const memberId = this.#memberId;
    this.#logger?.warn(
      `group '${this.groupId}': member ${memberId} made no progress for ${sincePollMs} ms, longer than ` +
        `maxPollIntervalMs (${maxPollIntervalMs} ms); it leaves the group so that other members take its ` +
        'partitions, and rejoins when its handlers make progress again. Raise maxPollIntervalMs or hand ' +
        'smaller batches to slow handlers.',
    );
    this.#emit({
      type: 'max-poll-interval-exceeded',
      groupId: this.groupId,
      memberId,
      sincePollMs,
      maxPollIntervalMs,
    });
    if (this.#config.groupInstanceId === null && memberId !== '') {
      void this.#sendLeaveGroup('consumer poll timeout has expired');
    }
    this.#pollTimedOut = true;
    this.#memberId = '';
    this.#generationId = -1;
    this.#state = 'unjoined';
    this.#wakeUp?.();
  }

  async #sendLeaveGroup(reason: string): Promise<void> {
    const memberId = this.#memberId;
    try {
      const connection = await this.#connections.offsets();
      await connection.request(LeaveGroup, {
        groupId: this.groupId,
        memberId,
        members: [{ memberId, groupInstanceId: null }],
      });
    } catch (error) {
      this.#logger?.warn(
        `group '${this.groupId}': LeaveGroup (${reason}) failed: ${(error as Error).message}`,
      );
    }
  }

  #requestRejoin(reason: string): void {
    if (this.#stopping) return;
    if (!this.#rejoinNeeded) {
      this.#rejoinNeeded = true;
      this.#emit({ type: 'rebalancing', groupId: this.groupId, memberId: this.#memberId, reason });
    }
    this.#wakeUp?.();
  }

  /** The generation ended without this member: what it owns is lost; it joins again as new. */
  #resetMember(reason: string): void {
    this.#heartbeats.stop();
    this.#memberId = '';
    this.#generationId = -1;
    this.#state = 'unjoined';
    this.#requestRejoin(reason);
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#heartbeats.stop();
    this.#logger?.warn(error.message);
    this.#firstAssignment.reject(error);
    this.#emit({ type: 'member-failed', groupId: this.groupId, error });
    this.#wakeUp?.();
  }

  async #giveUp({ revoked, lost }: { revoked: TopicPartition[]; lost: TopicPartition[] }): Promise<void> {
    if (lost.length > 0) {
      this.#owned = without(this.#owned, lost);
      await this.listener.onPartitionsLost(lost);
    }
    if (revoked.length > 0) {
      await this.listener.onPartitionsRevoked(revoked);
      this.#owned = without(this.#owned, revoked);
    }
  }

  #identity(): MemberIdentity {
    return {
      groupId: this.groupId,
      generationId: this.#generationId,
      memberId: this.#memberId,
      groupInstanceId: this.#config.groupInstanceId,
    };
  }

  readonly #effects: MembershipEffects = {
    isCurrent: (member) => member.generationId === this.#generationId && member.memberId === this.#memberId,
    resetMember: (reason) => this.#resetMember(reason),
    requestRejoin: (reason) => this.#requestRejoin(reason),
    fail: (error) => {
      const failure = new GroupMembershipError(this.groupId, `cannot stay a member: ${error.message}`, {
        cause: error,
      });
      this.#fail(failure);
      return failure;
    },
  };

  /** Waits until something asks the run loop to act. */
  #idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        resolve();
      };
    });
  }

  /** Waits `ms`, or less when woken. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const task = this.#scheduler.schedule(ms, () => this.#wakeUp?.());
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        task.cancel();
        resolve();
      };
    });
  }

  #emit(event: GroupEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }
}

/** A promise with its settle functions (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
