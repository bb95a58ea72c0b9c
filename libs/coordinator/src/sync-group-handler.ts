import { ErrorCode } from '@runnel/protocol';
import type { CoordinatorContext } from './coordinator-context.js';
import { syncError } from './join-results.js';
import type { SyncGroupRequest, SyncGroupResult } from './membership-types.js';
import { answerSync } from './rebalancer.js';

/**
 * SyncGroup (Kafka's handleSyncGroup). In CompletingRebalance every member waits; the leader's
 * SyncGroup carries the assignment, which is stored, then handed to all waiting members as the
 * group becomes Stable. In Stable a member gets its assignment at once.
 */
export function handleSyncGroup(
  ctx: CoordinatorContext,
  request: SyncGroupRequest,
  respond: (result: SyncGroupResult) => void,
): void {
  const { clock, groups, rebalancer } = ctx;
  const group = groups.get(request.groupId);
  if (group === undefined) {
    respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    return;
  }
  if (group.isStaticMemberFenced(request.memberId, request.groupInstanceId ?? null)) {
    respond(syncError(ErrorCode.FENCED_INSTANCE_ID));
    return;
  }
  const member = group.members.get(request.memberId);
  if (member === undefined) {
    respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    return;
  }
  if (request.generationId !== group.generationId) {
    respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    return;
  }
  switch (group.state) {
    case 'PreparingRebalance':
      respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      return;
    case 'CompletingRebalance': {
      // A second SyncGroup from the same member replaces the first, which is told to rejoin.
      answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      member.syncWaiter = respond;
      if (!group.isLeader(member.memberId)) return;
      // Members the leader left out get an empty assignment; ids that are not members are ignored.
      const assignment = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
      const generationId = group.generationId;
      void groups.storeGroup(group, assignment).then((errorCode) => {
        // A member joined or left while the write was in flight: that rebalance has taken over.
        if (!group.is('CompletingRebalance') || group.generationId !== generationId) return;
        if (errorCode === ErrorCode.NONE) {
          rebalancer.setAndPropagateAssignment(group, assignment);
          group.transitionTo('Stable', clock.now());
        } else {
          rebalancer.resetAndPropagateAssignmentError(group, errorCode);
          rebalancer.maybePrepareRebalance(group);
        }
      });
      return;
    }
    case 'Stable':
      respond({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      rebalancer.scheduleHeartbeatExpiry(group, member);
      return;
    default:
      // A group with members is never Empty or Dead; should it be, the member starts over.
      respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }
}
