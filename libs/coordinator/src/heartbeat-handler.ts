import { ErrorCode } from '@runnel/protocol';
import type { CoordinatorContext } from './coordinator-context.js';
import type { HeartbeatRequest } from './membership-types.js';

/**
 * Heartbeat (Kafka's handleHeartbeat): keeps the member's session alive and tells it, with
 * REBALANCE_IN_PROGRESS, when the group is rebalancing and it must rejoin. A heartbeat between its
 * JoinGroup answer and its assignment (CompletingRebalance) is an ordinary heartbeat, as in Kafka 2.5+.
 */
export function handleHeartbeat(ctx: CoordinatorContext, request: HeartbeatRequest): number {
  const group = ctx.groups.get(request.groupId);
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (group.isStaticMemberFenced(request.memberId, request.groupInstanceId ?? null)) {
    return ErrorCode.FENCED_INSTANCE_ID;
  }
  const member = group.members.get(request.memberId);
  if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  switch (group.state) {
    case 'PreparingRebalance':
      ctx.rebalancer.scheduleHeartbeatExpiry(group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case 'CompletingRebalance':
    case 'Stable':
      ctx.rebalancer.scheduleHeartbeatExpiry(group, member);
      return ErrorCode.NONE;
    default:
      // A group with members is never Empty or Dead; should it be, the member starts over.
      return ErrorCode.UNKNOWN_MEMBER_ID;
  }
}
