import { ErrorCode } from '@runnel/protocol';
import type { CoordinatorContext } from './coordinator-context.js';
import type { GroupMetadata } from './group-metadata.js';
import { joinError } from './join-results.js';
import type { MemberMetadata } from './member-metadata.js';
import type { JoinGroupRequest, JoinGroupResult } from './membership-types.js';
import { answerJoin, type JoiningMember } from './rebalancer.js';

type Respond = (result: JoinGroupResult) => void;

/**
 * JoinGroup (Kafka's handleJoinGroup). A member with an empty id gets a new id (or, v4+, first a
 * MEMBER_ID_REQUIRED round trip); a known member rejoins. The answer comes when the rebalance the
 * join started (or joined) completes, unless the member can be answered from the current
 * generation at once.
 */
export function handleJoinGroup(ctx: CoordinatorContext, request: JoinGroupRequest, respond: Respond): void {
  const { config, groups, rebalancer } = ctx;
  if (
    request.sessionTimeoutMs < config.groupMinSessionTimeoutMs ||
    request.sessionTimeoutMs > config.groupMaxSessionTimeoutMs
  ) {
    respond(joinError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    return;
  }
  const joining: JoiningMember = {
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId ?? null,
    clientId: request.clientId,
    clientHost: request.clientHost,
    // JoinGroup v0 has no rebalance timeout: the session timeout bounds the rebalance too.
    rebalanceTimeoutMs:
      request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
  };
  const isUnknownMember = request.memberId === '';
  let group = groups.get(request.groupId);
  if (group === undefined) {
    // Only a member without an id may create a group; a known id for a group we lack is stale.
    if (!isUnknownMember) {
      respond(joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    group = groups.create(request.groupId);
  }
  if (!acceptsJoiningMember(group, joining, config.groupMaxSize)) {
    const refused = group.members.get(request.memberId);
    if (refused !== undefined) rebalancer.removeMemberAndUpdateGroup(group, refused);
    respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
  } else if (isUnknownMember) {
    joinUnknownMember(ctx, group, joining, request.requireKnownMemberId ?? false, respond);
  } else {
    joinKnownMember(ctx, group, joining, respond);
  }
  if (group.is('PreparingRebalance')) rebalancer.checkJoinCompletion(group);
}

/**
 * Whether group.max.size lets this member in (Kafka 3.x's acceptJoiningMember). While preparing a
 * rebalance, members already waiting stay and others come in while fewer than the limit wait, so
 * a group replayed over a lowered limit sheds the members that rejoin last; otherwise members stay
 * and newcomers come in below the limit. A restarted static member takes its own place back, so
 * it is never refused for size.
 */
function acceptsJoiningMember(group: GroupMetadata, joining: JoiningMember, maxSize: number): boolean {
  const { memberId } = joining;
  if (memberId === '' && group.staticMember(joining.groupInstanceId) !== undefined) return true;
  switch (group.state) {
    case 'PreparingRebalance':
      return group.members.get(memberId)?.isAwaitingJoin === true || group.numAwaitingJoin < maxSize;
    case 'CompletingRebalance':
    case 'Stable':
      return group.has(memberId) || group.size < maxSize;
    default:
      return true;
  }
}

function joinUnknownMember(
  ctx: CoordinatorContext,
  group: GroupMetadata,
  joining: JoiningMember,
  requireKnownMemberId: boolean,
  respond: Respond,
): void {
  const { rebalancer } = ctx;
  if (
    !group.supportsProtocols(
      joining.protocolType,
      joining.protocols.map((p) => p.name),
    )
  ) {
    respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return;
  }
  const newMemberId = ctx.newMemberId(joining.groupInstanceId ?? joining.clientId);
  const staticMember = group.staticMember(joining.groupInstanceId);
  if (staticMember !== undefined) {
    replaceStaticMember(ctx, group, staticMember, newMemberId, joining, respond);
  } else if (requireKnownMemberId && joining.groupInstanceId === null) {
    // The id must come back in a second JoinGroup before the member counts: a client that never
    // receives this answer leaves no member behind to wait for.
    rebalancer.addPendingMember(group, newMemberId, joining.sessionTimeoutMs);
    respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
  } else {
    rebalancer.addMemberAndRebalance(group, { ...joining, memberId: newMemberId }, respond);
  }
}

function joinKnownMember(
  ctx: CoordinatorContext,
  group: GroupMetadata,
  joining: JoiningMember,
  respond: Respond,
): void {
  const { rebalancer } = ctx;
  const { memberId, groupInstanceId } = joining;
  if (
    !group.supportsProtocols(
      joining.protocolType,
      joining.protocols.map((p) => p.name),
    )
  ) {
    respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return;
  }
  if (group.pendingMembers.has(memberId)) {
    rebalancer.addMemberAndRebalance(group, joining, respond);
    return;
  }
  if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
    respond(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    return;
  }
  const member = group.members.get(memberId);
  if (member === undefined || (groupInstanceId !== null && !group.staticMembers.has(groupInstanceId))) {
    respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    return;
  }
  switch (group.state) {
    case 'PreparingRebalance':
      rebalancer.updateMemberAndRebalance(group, member, joining, respond);
      return;
    case 'CompletingRebalance':
      // Same metadata: the member probably missed its JoinGroup answer; give it again.
      if (member.matches(joining.protocols))
        respond(currentGeneration(group, member, group.isLeader(memberId)));
      else rebalancer.updateMemberAndRebalance(group, member, joining, respond);
      return;
    case 'Stable':
      // The leader rejoining forces a rebalance: it saw a change the metadata does not show
      // (new partitions of a subscribed topic, say).
      if (group.isLeader(memberId) || !member.matches(joining.protocols)) {
        rebalancer.updateMemberAndRebalance(group, member, joining, respond);
      } else {
        respond(currentGeneration(group, member, false));
      }
      return;
    default:
      // A group with members is never Empty or Dead; should it be, the member starts over.
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
}

/**
 * A static member rejoining with an empty id (restarted) takes over its instance's place under a
 * new id; the old id is fenced. A Stable group whose protocol choice is unchanged keeps its
 * generation and assignment (the point of static membership: restarts without rebalances), once
 * the new id is stored. In CompletingRebalance the leader may be assigning to the old id, so the
 * group rebalances; in PreparingRebalance the member simply takes part.
 */
function replaceStaticMember(
  ctx: CoordinatorContext,
  group: GroupMetadata,
  member: MemberMetadata,
  newMemberId: string,
  joining: JoiningMember,
  respond: Respond,
): void {
  const { groups, rebalancer } = ctx;
  const oldMemberId = member.memberId;
  const old = {
    protocols: member.protocols,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
  };
  const leaderId = group.leaderId;
  rebalancer.fenceWaitingRequests(member);
  group.replaceStaticMember(member, newMemberId);
  rebalancer.scheduleHeartbeatExpiry(group, member);
  rebalancer.updateMember(member, joining, respond);
  switch (group.state) {
    case 'Stable': {
      if (group.protocolName !== group.selectProtocol()) {
        rebalancer.prepareRebalance(group);
        return;
      }
      const assignments = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
      void groups.storeGroup(group, assignments).then((errorCode) => {
        // Something else (a rebalance) answered the join meanwhile: nothing to do.
        if (member.joinWaiter !== respond || !group.is('Stable')) return;
        if (errorCode === ErrorCode.NONE) {
          answerJoin(member, {
            errorCode: ErrorCode.NONE,
            generationId: group.generationId,
            protocolName: group.protocolName as string,
            // The old leader's id: the new member must not think it leads and reassign a Stable group.
            leader: leaderId ?? '',
            memberId: newMemberId,
            members: [],
          });
          return;
        }
        // Not stored: the instance goes back to its old id, as the log still says.
        member.joinWaiter = null;
        member.update(old);
        group.replaceStaticMember(member, oldMemberId);
        rebalancer.scheduleHeartbeatExpiry(group, member);
        respond(joinError(newMemberId, errorCode));
      });
      return;
    }
    case 'CompletingRebalance':
      rebalancer.prepareRebalance(group);
      return;
    default:
      return;
  }
}

function currentGeneration(
  group: GroupMetadata,
  member: MemberMetadata,
  withMembers: boolean,
): JoinGroupResult {
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolName: group.protocolName ?? '',
    leader: group.leaderId ?? '',
    memberId: member.memberId,
    members: withMembers ? group.currentMemberMetadata() : [],
  };
}
