import { ErrorCode } from '@runnel/protocol';
import type { Clock } from './clock.js';
import type { CoordinatorConfig } from './coordinator-config.js';
import type { GroupMetadata } from './group-metadata.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';
import { canTransition } from './group-state.js';
import { joinError, syncError } from './join-results.js';
import { MemberMetadata } from './member-metadata.js';
import type { JoinGroupResult, JoinProtocol, SyncGroupResult } from './membership-types.js';
import type { Scheduler } from './scheduler.js';

/**
 * How long a new member's first JoinGroup may wait in a rebalance before the member is dropped:
 * its client cannot heartbeat yet, and may have given up and retried with a new connection.
 */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** What a joining member brings: the fields of its JoinGroup that the member keeps. */
export interface JoiningMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly JoinProtocol[];
}

/**
 * The timed half of the group protocol (Kafka's DelayedJoin, InitialDelayedJoin and
 * DelayedHeartbeat purgatories): starting and completing rebalances, session expiry, and handing
 * the results to the requests that wait for them.
 *
 * Every waiter is a promise's resolve function, so answering a request never re-enters the
 * coordinator: state changes here run to completion before any client sees their result.
 */
export class Rebalancer {
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #config: CoordinatorConfig;
  readonly #groups: GroupMetadataManager;

  constructor(clock: Clock, scheduler: Scheduler, config: CoordinatorConfig, groups: GroupMetadataManager) {
    this.#clock = clock;
    this.#scheduler = scheduler;
    this.#config = config;
    this.#groups = groups;
  }

  /** Counts a heartbeat (or a join or sync) and re-arms the member's session timer. */
  scheduleHeartbeatExpiry(
    group: GroupMetadata,
    member: MemberMetadata,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.#scheduler.schedule(timeoutMs, () => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member || member.keptAliveWhileWaiting) return;
      this.removeMemberAndUpdateGroup(group, member);
    });
  }

  /** Remembers an id handed out with MEMBER_ID_REQUIRED, for one session timeout. */
  addPendingMember(group: GroupMetadata, memberId: string, sessionTimeoutMs: number): void {
    const timer = this.#scheduler.schedule(sessionTimeoutMs, () => {
      if (group.pendingMembers.get(memberId) === timer) this.removePendingMember(group, memberId);
    });
    group.pendingMembers.set(memberId, timer);
  }

  removePendingMember(group: GroupMetadata, memberId: string): void {
    group.pendingMembers.get(memberId)?.cancel();
    group.pendingMembers.delete(memberId);
    if (group.is('PreparingRebalance')) this.checkJoinCompletion(group);
  }

  addMemberAndRebalance(
    group: GroupMetadata,
    joining: JoiningMember,
    waiter: (result: JoinGroupResult) => void,
  ): MemberMetadata {
    const member = new MemberMetadata(joining);
    member.isNew = true;
    // A member arriving during the initial delay extends it (see InitialDelayedJoin).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    member.joinWaiter = waiter;
    this.scheduleHeartbeatExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    if (group.pendingMembers.has(member.memberId)) {
      group.pendingMembers.get(member.memberId)?.cancel();
      group.pendingMembers.delete(member.memberId);
    }
    this.maybePrepareRebalance(group);
    return member;
  }

  updateMemberAndRebalance(
    group: GroupMetadata,
    member: MemberMetadata,
    joining: Pick<JoiningMember, 'protocols' | 'rebalanceTimeoutMs' | 'sessionTimeoutMs'>,
    waiter: (result: JoinGroupResult) => void,
  ): void {
    this.updateMember(member, joining, waiter);
    this.maybePrepareRebalance(group);
  }

  /**
   * Takes the member's new protocols and timeouts and makes `waiter` the one its rebalance will
   * answer; a JoinGroup of the same member still waiting is answered REBALANCE_IN_PROGRESS.
   */
  updateMember(
    member: MemberMetadata,
    joining: Pick<JoiningMember, 'protocols' | 'rebalanceTimeoutMs' | 'sessionTimeoutMs'>,
    waiter: (result: JoinGroupResult) => void,
  ): void {
    member.update(joining);
    const superseded = member.joinWaiter;
    member.joinWaiter = waiter;
    superseded?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
  }

  /** Answers FENCED_INSTANCE_ID to whatever the old holder of a static member's place still waits for. */
  fenceWaitingRequests(member: MemberMetadata): void {
    answerJoin(member, joinError(member.memberId, ErrorCode.FENCED_INSTANCE_ID));
    answerSync(member, syncError(ErrorCode.FENCED_INSTANCE_ID));
  }

  maybePrepareRebalance(group: GroupMetadata): void {
    if (canTransition(group.state, 'PreparingRebalance')) this.prepareRebalance(group);
  }

  /**
   * Starts a rebalance: members waiting for an assignment are told REBALANCE_IN_PROGRESS (they
   * rejoin), and the join phase starts. It completes at once if every member has already joined
   * (the last member left, say), except for the initial delay of an Empty group.
   */
  prepareRebalance(group: GroupMetadata): void {
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    const delayMs = this.#config.groupInitialRebalanceDelayMs;
    const initial = group.is('Empty') && delayMs > 0;
    const remainingMs = Math.max(group.rebalanceTimeoutMs - delayMs, 0);
    group.transitionTo('PreparingRebalance', this.#clock.now());
    if (initial) {
      this.#scheduleInitialJoin(group, delayMs, remainingMs);
    } else {
      this.#scheduleDelayedJoin(group);
      this.checkJoinCompletion(group);
    }
  }

  /** Completes the join phase now if it may complete early and every member has rejoined. */
  checkJoinCompletion(group: GroupMetadata): void {
    const pending = group.pendingJoin;
    if (pending?.kind !== 'delayed' || !group.hasAllMembersJoined) return;
    pending.timer.cancel();
    group.pendingJoin = null;
    this.#completeJoin(group);
  }

  /**
   * Waits `delayMs`; if members joined meanwhile and rebalance time is left, waits again (another
   * initial delay, within what is left), else completes the join phase.
   */
  #scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    const timer = this.#scheduler.schedule(delayMs, () => {
      group.pendingJoin = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const nextDelayMs = Math.min(this.#config.groupInitialRebalanceDelayMs, remainingMs);
        this.#scheduleInitialJoin(group, nextDelayMs, remainingMs - nextDelayMs);
      } else {
        this.#completeJoin(group);
      }
    });
    group.pendingJoin = { kind: 'initial', timer };
  }

  #scheduleDelayedJoin(group: GroupMetadata): void {
    const timer = this.#scheduler.schedule(group.rebalanceTimeoutMs, () => {
      group.pendingJoin = null;
      this.#completeJoin(group);
    });
    group.pendingJoin = { kind: 'delayed', timer };
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep their
   * place until their session expires), and the next generation is formed and announced to every
   * waiting JoinGroup, the leader's answer listing all members. With no one rejoined but static
   * members left, the phase starts over until their sessions expire.
   */
  #completeJoin(group: GroupMetadata): void {
    for (const member of group.notYetRejoinedMembers()) {
      if (member.isStatic) continue;
      this.#dropMember(group, member);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      this.#scheduleDelayedJoin(group);
      return;
    }
    group.initNextGeneration(this.#clock.now());
    if (group.is('Empty')) {
      // A failed write is harmless: an Empty generation has no members that could rely on it, and
      // the previous generation replayed after a restart times out like any silent group.
      void this.#groups.storeGroup(group, new Map());
      return;
    }
    const leaderId = group.leaderId as string;
    const protocolName = group.protocolName as string;
    const allMembers = group.currentMemberMetadata();
    for (const member of group.members.values()) {
      answerJoin(member, {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName,
        leader: leaderId,
        memberId: member.memberId,
        members: member.memberId === leaderId ? allMembers : [],
      });
      this.scheduleHeartbeatExpiry(group, member);
      member.isNew = false;
    }
  }

  /**
   * Removes a member (it left, or its session expired): a request it still has waiting is answered
   * UNKNOWN_MEMBER_ID, and the group rebalances without it.
   */
  removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata): void {
    this.#dropMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.checkJoinCompletion(group);
        break;
      default:
        break;
    }
  }

  #dropMember(group: GroupMetadata, member: MemberMetadata): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
    group.remove(member.memberId);
    answerJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    answerSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  /** Hands the leader's assignment to every member and to every SyncGroup waiting for it. */
  setAndPropagateAssignment(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>): void {
    for (const member of group.members.values()) {
      member.assignment = assignment.get(member.memberId) ?? Buffer.alloc(0);
    }
    this.#propagateAssignment(group, ErrorCode.NONE);
  }

  resetAndPropagateAssignmentError(group: GroupMetadata, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = Buffer.alloc(0);
    this.#propagateAssignment(group, errorCode);
  }

  /**
   * Answers every waiting SyncGroup; their session timers restart now, since a member's session
   * may have run out while it waited for the leader (waiting members are not expired).
   */
  #propagateAssignment(group: GroupMetadata, errorCode: number): void {
    for (const member of group.members.values()) {
      if (!member.isAwaitingSync) continue;
      answerSync(member, { errorCode, assignment: member.assignment });
      this.scheduleHeartbeatExpiry(group, member);
    }
  }

  /**
   * Stops every timer of the group and answers every waiting request with `errorCode`: the
   * coordinator is shutting down and another will take the group over from the store.
   */
  abandon(group: GroupMetadata, errorCode: number): void {
    group.pendingJoin?.timer.cancel();
    group.pendingJoin = null;
    for (const timer of group.pendingMembers.values()) timer.cancel();
    for (const member of group.members.values()) {
      member.sessionTimer?.cancel();
      member.sessionTimer = null;
      answerJoin(member, joinError(member.memberId, errorCode));
      answerSync(member, syncError(errorCode));
    }
  }
}

export function answerJoin(member: MemberMetadata, result: JoinGroupResult): void {
  const waiter = member.joinWaiter;
  member.joinWaiter = null;
  waiter?.(result);
}

export function answerSync(member: MemberMetadata, result: SyncGroupResult): void {
  const waiter = member.syncWaiter;
  member.syncWaiter = null;
  waiter?.(result);
}
