import { ErrorCode } from '@runnel/protocol';
import type { CoordinatorContext } from './coordinator-context.js';
import type { LeaveGroupRequest, LeaveGroupResult } from './membership-types.js';

/**
 * LeaveGroup (Kafka's handleLeaveGroup): each member is removed on its own (v3+ batches several,
 * static members may be named by instance id alone) and the group rebalances without them.
 */
export function handleLeaveGroup(ctx: CoordinatorContext, request: LeaveGroupRequest): LeaveGroupResult {
  const group = ctx.groups.get(request.groupId);
  const members = request.members.map((leaving) => {
    const groupInstanceId = leaving.groupInstanceId ?? null;
    const answer = (errorCode: number) => ({ memberId: leaving.memberId, groupInstanceId, errorCode });
    if (group === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
    if (leaving.memberId !== '' && group.isStaticMemberFenced(leaving.memberId, groupInstanceId)) {
      return answer(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (group.pendingMembers.has(leaving.memberId)) {
      ctx.rebalancer.removePendingMember(group, leaving.memberId);
      return answer(ErrorCode.NONE);
    }
    const member = group.staticMember(groupInstanceId) ?? group.members.get(leaving.memberId);
    if (member === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
    ctx.rebalancer.removeMemberAndUpdateGroup(group, member);
    return answer(ErrorCode.NONE);
  });
  return { errorCode: ErrorCode.NONE, members };
}
