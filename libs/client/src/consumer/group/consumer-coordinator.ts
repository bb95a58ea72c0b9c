import { type Clock, type Scheduler, systemClock, TimerScheduler } from '@runnel/coordinator';
import type { KafkaError } from '@runnel/protocol';
import type { ConnectionOptions } from '../../connection/broker-connection.js';
import type { Cluster } from '../../metadata/cluster.js';
import type { TopicPartition } from '../../metadata/topic-partition.js';
import { AssignedTopicsWatch } from './assigned-topics-watch.js';
import { type ConsumerGroupOptions, type GroupConfig, resolveGroupConfig } from './consumer-group-options.js';
import { CoordinatorConnections } from './coordinator-connections.js';
import type { GroupErrorAction } from './group-error-actions.js';
import { ConsumerGroupConfigError, GroupMembershipError, RebalanceInProgressError } from './group-errors.js';
import {
  type GroupEvent,
  type GroupEventListener,
  type GroupLogger,
  pollTimeoutWarning,
  processWarnings,
} from './group-events.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { type JoinOutcome, joinGroupRound, leaveGroup } from './membership-requests.js';
import { type MembershipEffects, OffsetCommitter } from './offset-committer.js';
import type { MemberIdentity, OffsetToCommit } from './offset-requests.js';
import { assignmentChange, beforeJoin, onLeave, without } from './rebalance-changes.js';
import type { RebalanceListener } from './rebalance-listener.js';
import { WakeSignal } from './wake-signal.js';

export type { RebalanceListener } from './rebalance-listener.js';

export interface CoordinatorDependencies {
  /** Client id and timeouts for the coordinator connections. */
  readonly connection: ConnectionOptions;
  /** Where warnings go (a poll timeout, a failed join or listener); default: process warnings. */
  readonly logger?: GroupLogger;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
}

type MemberState = 'unjoined' | 'rebalancing' | 'stable';

/** The longest wait between join attempts (Java's retry.backoff.max.ms default). */
const RETRY_BACKOFF_MAX_MS = 1_000;

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
  readonly #assignedTopics: AssignedTopicsWatch;
  readonly #clock: Clock;
  readonly #signal: WakeSignal;
  readonly #logger: GroupLogger;
  readonly #eventListeners: GroupEventListener[] = [];
  #topics: string[] = [];
  #memberId = '';
  #generationId = -1;
  #state: MemberState = 'unjoined';
  #owned: TopicPartition[] = [];
  #lastAssignment: TopicPartition[] | null = null;
  #lastGenerationId = -1;
  #rejoinNeeded = true;
  /** Join attempts failed in a row, for the backoff; 0 after each completed join. */
  #joinFailures = 0;
  /** Left the group after a poll timeout; rejoins at the next `notePoll`. */
  #pollTimedOut = false;
  #stopping = false;
  #failure: Error | undefined;
  #running: Promise<void> | undefined;
  readonly #firstAssignment = deferred();

  constructor(
    private readonly cluster: Cluster,
    options: ConsumerGroupOptions,
    private readonly listener: RebalanceListener,
    deps: CoordinatorDependencies,
  ) {
    this.#config = resolveGroupConfig(options);
    this.#clock = deps.clock ?? systemClock;
    const scheduler = deps.scheduler ?? new TimerScheduler();
    this.#signal = new WakeSignal(scheduler);
    this.#logger = deps.logger ?? processWarnings;
    this.#assignedTopics = new AssignedTopicsWatch(cluster);
    this.#connections = new CoordinatorConnections(this.#config.groupId, cluster, deps.connection);
    this.#heartbeats = new HeartbeatLoop(this.#config, this.#connections, this.#clock, scheduler, {
      onHeartbeat: () =>
        this.#assignedTopics.check((reason) => {
          if (this.#state === 'stable') this.#requestRejoin(reason);
        }),
      onHeartbeatError: (action, error) => this.#onHeartbeatError(action, error),
      onPollTimeout: (sincePollMs) => this.#onPollTimeout(sincePollMs),
    });
    this.#offsets = new OffsetCommitter(
      this.#config.groupId,
      this.#connections,
      this.#config.retryBackoffMs,
      this.#clock,
      scheduler,
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

  /**
   * The consumer is not stalled: call it whenever a handler finishes, and while no handler is
   * running at all (say on each fetch answer that finds the consumer idle), as Java's poll() is
   * called in a loop whatever it returns. Never from the fetch path while a handler runs: that
   * would hide the stall `maxPollIntervalMs` is there to catch. The interval counts from the last
   * call, so an idle consumer that stops calling it would leave its group as if stalled.
   */
  notePoll(): void {
    this.#heartbeats.notePoll();
    if (this.#pollTimedOut && !this.#stopping) {
      this.#pollTimedOut = false;
      this.#requestRejoin('the consumer made progress again after its poll timeout');
    }
  }

  /**
   * Commits for the current generation. Between sending JoinGroup and receiving the new assignment
   * the member has no generation to commit with: a RebalanceInProgressError at once, as Java's
   * consumer answers (commit again once the assignment arrived).
   */
  commitOffsets(offsets: OffsetToCommit[]): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#state === 'rebalancing') return Promise.reject(new RebalanceInProgressError(this.groupId));
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
  stop(): Promise<void> {
    if (this.#stopping) return this.#running ?? Promise.resolve();
    this.#stopping = true;
    this.#heartbeats.stop();
    const running = this.#running;
    this.#running = (async () => {
      // A JoinGroup or SyncGroup may wait for the whole rebalance: end it now.
      if (this.#state === 'rebalancing') await this.#connections.abortMembership();
      this.#signal.wake();
      await running;
      await this.#leave();
    })();
    return this.#running;
  }

  async #leave(): Promise<void> {
    this.#firstAssignment.reject(
      new GroupMembershipError(this.groupId, 'stopped before its first assignment'),
    );
    const canCommit =
      this.#failure === undefined && this.#generationId >= 0 && this.#memberId !== '' && !this.#pollTimedOut;
    await this.#giveUp(onLeave(this.#owned, canCommit));
    if (this.#config.groupInstanceId === null && this.#memberId !== '') {
      await this.#sendLeaveGroup(this.#memberId, 'the consumer is stopping');
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
        else await this.#signal.idle();
      } catch (error) {
        if (!this.#stopping) this.#fail(error as Error);
      }
    }
    if (this.#failure !== undefined) {
      // A member that cannot stay does not leave either (Java neither): its partitions are lost.
      await this.#giveUp(onLeave(this.#owned, false));
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
    let outcome: JoinOutcome;
    try {
      outcome = await joinGroupRound(await this.#connections.membership(), this.cluster, this.#config, {
        topics: this.#topics,
        memberId: this.#memberId,
        owned: this.#owned,
        lastAssignment: this.#lastAssignment,
        lastGenerationId: this.#lastGenerationId,
      });
    } catch (error) {
      this.#state = 'unjoined';
      if (this.#stopping) return;
      if (error instanceof GroupMembershipError) throw error;
      // A lost connection, a timeout, an undecodable answer: find the coordinator again and rejoin.
      this.#rejoinNeeded = true;
      if (this.#joinFailures === 0) {
        this.#logger.warn(`group '${this.groupId}': join failed, retrying: ${(error as Error).message}`);
      }
      await this.#connections.markUnknown();
      await this.#backOff();
      return;
    }
    switch (outcome.kind) {
      case 'member-id-required':
        this.#memberId = outcome.memberId;
        this.#rejoinNeeded = true;
        return;
      case 'refused':
        if (outcome.joined) {
          this.#memberId = outcome.joined.memberId;
          this.#generationId = outcome.joined.generationId;
        }
        return this.#retryJoin(outcome.action, outcome.error);
      default:
        this.#memberId = outcome.memberId;
        this.#generationId = outcome.generationId;
        this.#assignedTopics.watch(outcome.assignedOver);
        return this.#completeJoin(outcome.assigned, outcome.protocol, outcome.leaderId);
    }
  }

  /**
   * Waits before the next join attempt: `retryBackoffMs`, doubling with each failure in a row up to
   * Java's retry.backoff.max.ms (1 s), so a coordinator that is down is not asked ten times a second.
   */
  #backOff(): Promise<void> {
    const ms = Math.min(this.#config.retryBackoffMs * 2 ** this.#joinFailures, RETRY_BACKOFF_MAX_MS);
    this.#joinFailures = Math.min(this.#joinFailures + 1, 30);
    return this.#signal.sleep(Math.max(ms, this.#config.retryBackoffMs));
  }

  async #completeJoin(assigned: TopicPartition[], protocol: string, leaderId: string): Promise<void> {
    const generationId = this.#generationId;
    this.#joinFailures = 0;
    this.#state = 'stable';
    this.#lastAssignment = assigned;
    this.#lastGenerationId = generationId;
    this.#heartbeats.start(this.#identity());
    const change = assignmentChange(this.#owned, assigned, this.#config.rebalanceProtocol);
    if (change.revoked.length > 0) {
      await this.#tellListener('onPartitionsRevoked', change.revoked);
      this.#owned = without(this.#owned, change.revoked);
      // The generation ended while the listener ran: the next join reports the rest lost.
      if (this.#generationId !== generationId) return;
    }
    if (change.rejoin) this.#requestRejoin('partitions were revoked, and another member waits for them');
    this.#owned = change.owned;
    await this.#tellListener('onPartitionsAssigned', change.added);
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
  async #retryJoin(action: GroupErrorAction, error: KafkaError): Promise<void> {
    this.#state = 'unjoined';
    this.#rejoinNeeded = true;
    switch (action) {
      case 'fatal':
        throw new GroupMembershipError(this.groupId, `cannot be a member: ${error.message}`, {
          cause: error,
        });
      case 'reset-member':
        this.#resetMember(`${error.context} answered ${error.errorName}`);
        return;
      case 'find-coordinator':
        await this.#connections.markUnknown();
        await this.#backOff();
        return;
      case 'retry':
        await this.#backOff();
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
    const event = {
      type: 'max-poll-interval-exceeded',
      groupId: this.groupId,
      memberId,
      sincePollMs,
      maxPollIntervalMs,
    } as const;
    this.#logger.warn(pollTimeoutWarning(event));
    this.#emit(event);
    if (this.#config.groupInstanceId === null && memberId !== '') {
      void this.#sendLeaveGroup(memberId, 'consumer poll timeout has expired');
    }
    this.#pollTimedOut = true;
    this.#memberId = '';
    this.#generationId = -1;
    this.#state = 'unjoined';
    this.#signal.wake();
  }

  /** `memberId` is read by the caller: the member may be reset before the connection is ready. */
  async #sendLeaveGroup(memberId: string, reason: string): Promise<void> {
    try {
      await leaveGroup(await this.#connections.offsets(), this.groupId, memberId);
    } catch (error) {
      this.#logger.warn(
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
    this.#signal.wake();
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
    this.#logger.warn(error.message);
    this.#firstAssignment.reject(error);
    this.#emit({ type: 'member-failed', groupId: this.groupId, error });
    this.#signal.wake();
  }

  async #giveUp({ revoked, lost }: { revoked: TopicPartition[]; lost: TopicPartition[] }): Promise<void> {
    if (lost.length > 0) {
      this.#owned = without(this.#owned, lost);
      await this.#tellListener('onPartitionsLost', lost);
    }
    if (revoked.length > 0) {
      await this.#tellListener('onPartitionsRevoked', revoked);
      this.#owned = without(this.#owned, revoked);
    }
  }

  /**
   * Calls the listener. A rejection (a commit that failed while revoking, say) does not stop the
   * rebalance, which must go on for the whole group: it is logged, and the partitions count as
   * given up or taken all the same, as when Java's consumer reports a callback's exception.
   */
  async #tellListener(method: keyof RebalanceListener, partitions: TopicPartition[]): Promise<void> {
    try {
      await this.listener[method](partitions);
    } catch (error) {
      const names = partitions.map(({ topic, partition }) => `${topic}:${partition}`).join(', ');
      this.#logger.warn(`group '${this.groupId}': ${method}(${names}) failed: ${(error as Error).message}`);
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
    // A commit answered REBALANCE_IN_PROGRESS while this member's own join is under way needs no
    // further rebalance: the one in progress hands out the new assignment.
    requestRejoin: (reason) => {
      if (this.#state !== 'rebalancing') this.#requestRejoin(reason);
    },
    fail: (error) => {
      const failure = new GroupMembershipError(this.groupId, `cannot stay a member: ${error.message}`, {
        cause: error,
      });
      this.#fail(failure);
      return failure;
    },
  };

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
