import { GroupOffsets } from './group-offsets.js';
import { canTransition, type GroupState, IllegalGroupStateError } from './group-state.js';
import type { MemberMetadata } from './member-metadata.js';
import type { JoinGroupMember } from './membership-types.js';
import type { ScheduledTask } from './scheduler.js';

/**
 * How a PreparingRebalance group completes its join phase (Kafka's DelayedJoin purgatory entry):
 * - `initial`: the first rebalance of an Empty group waits `groupInitialRebalanceDelayMs` so that
 *   consumers started together land in one generation, and waits again while members keep coming,
 *   up to the rebalance timeout; it never completes early.
 * - `delayed`: completes as soon as every known member has rejoined, or at the rebalance timeout.
 */
export interface PendingJoin {
  readonly kind: 'initial' | 'delayed';
  readonly timer: ScheduledTask;
}

/**
 * One consumer group (Kafka's GroupMetadata): its state, generation, members and committed offsets.
 *
 * Invariants:
 * - `leaderId` is the id of a member, or null exactly when there are no members.
 * - `protocolType` is set by the first member to join and every member shares it; '' means the
 *   group was only ever used to store offsets ("simple" commits, no group management).
 * - `protocolName` is the protocol every current-generation member supports, null while Empty.
 * - `staticMembers` maps each static member's `group.instance.id` to its member id, both ways
 *   consistent with `members`.
 * - `pendingJoin` is set exactly while the group is PreparingRebalance.
 */
export class GroupMetadata {
  readonly groupId: string;
  #state: GroupState = 'Empty';
  /** When the group entered its current state; null for a group replayed without one. */
  currentStateTimestamp: number | null;
  generationId = 0;
  protocolType = '';
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose JoinGroup has not come back yet, with their expiry. */
  readonly pendingMembers = new Map<string, ScheduledTask>();
  readonly staticMembers = new Map<string, string>();
  /** Whether a member joined during the initial delay, which extends it once more. */
  newMemberAdded = false;
  pendingJoin: PendingJoin | null = null;
  readonly offsets = new GroupOffsets();

  constructor(groupId: string, now: number | null) {
    this.groupId = groupId;
    this.currentStateTimestamp = now;
  }

  get state(): GroupState {
    return this.#state;
  }

  is(state: GroupState): boolean {
    return this.#state === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!canTransition(this.#state, state)) {
      throw new IllegalGroupStateError(`group '${this.groupId}' cannot go from ${this.#state} to ${state}`);
    }
    this.#state = state;
    this.currentStateTimestamp = now;
  }

  /** Puts a replayed group straight into the state it was persisted in (Empty or Stable). */
  restoreState(state: 'Empty' | 'Stable', currentStateTimestamp: number | null): void {
    this.#state = state;
    this.currentStateTimestamp = currentStateTimestamp;
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: MemberMetadata): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (member.protocolType !== this.protocolType) {
      throw new IllegalGroupStateError(
        `member ${member.memberId} has protocol type '${member.protocolType}', group '${this.groupId}' has '${this.protocolType}'`,
      );
    }
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Gives a static member's instance a new member id (a restarted static member rejoining). */
  replaceStaticMember(member: MemberMetadata, newMemberId: string): void {
    const oldMemberId = member.memberId;
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
  }

  /** The member currently holding `groupInstanceId`, if any. */
  staticMember(groupInstanceId: string | null): MemberMetadata | undefined {
    if (groupInstanceId === null) return undefined;
    const memberId = this.staticMembers.get(groupInstanceId);
    return memberId === undefined ? undefined : this.members.get(memberId);
  }

  /**
   * True when `groupInstanceId` belongs to a member other than `memberId`: the sender is a stale
   * copy of a static member that was replaced, and must be told FENCED_INSTANCE_ID.
   */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /**
   * Whether a member with this protocol type and protocols may join: any non-empty protocol list
   * when the group has no members, otherwise the group's protocol type and at least one protocol
   * that every current member supports (INCONSISTENT_GROUP_PROTOCOL otherwise).
   */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocolNames.length > 0;
    if (protocolType !== this.protocolType) return false;
    const common = this.#commonProtocols();
    return protocolNames.some((name) => common.has(name));
  }

  /**
   * The protocol for the next generation: among the protocols every member supports, each member
   * votes for the first in its own preference order and the most votes win; a tie goes to the
   * candidate voted for first, in member join order.
   */
  selectProtocol(): string {
    const candidates = this.#commonProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = 0;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    if (best === null) throw new IllegalGroupStateError(`group '${this.groupId}' has no members to vote`);
    return best;
  }

  #commonProtocols(): Set<string> {
    const members = [...this.members.values()];
    const names = members[0]?.protocols.map((p) => p.name) ?? [];
    return new Set(names.filter((name) => members.every((m) => m.protocols.some((p) => p.name === name))));
  }

  /** The largest rebalance timeout of the members: how long a rebalance waits for rejoins. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /** Every known member has rejoined and no MEMBER_ID_REQUIRED round trip is outstanding. */
  get hasAllMembersJoined(): boolean {
    for (const member of this.members.values()) if (!member.isAwaitingJoin) return false;
    return this.pendingMembers.size === 0;
  }

  get numAwaitingJoin(): number {
    let n = 0;
    for (const member of this.members.values()) if (member.isAwaitingJoin) n++;
    return n;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((member) => !member.isAwaitingJoin);
  }

  /**
   * Keeps the leader if it rejoined, else makes any rejoined member the leader. False when no
   * member has rejoined (there is nobody to lead the next generation).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** Ends a join phase: the next generation with its protocol (CompletingRebalance), or Empty. */
  initNextGeneration(now: number): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', now);
    }
  }

  /** What the leader receives in its JoinGroup response: every member with its selected-protocol metadata. */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName;
    if (protocol === null) throw new IllegalGroupStateError(`group '${this.groupId}' has no protocol`);
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.metadataFor(protocol),
    }));
  }
}
