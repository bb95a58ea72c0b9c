import { ErrorCode } from '@runnel/protocol';
import type { CoordinatorContext } from './coordinator-context.js';
import type { GroupMetadata } from './group-metadata.js';
import type { OffsetToStore } from './group-metadata-manager.js';
import type { OffsetCommitRequest, OffsetCommitResult } from './offset-types.js';

/**
 * OffsetCommit (Kafka's handleCommitOffsets). A member commits for its current generation; a
 * commit with generation -1 and no member id (admin tools, consumers using assign()) is accepted
 * only while the group has no members, and creates the group if needed. Every partition gets the
 * same answer, except those whose metadata is too long.
 */
export async function handleOffsetCommit(
  ctx: CoordinatorContext,
  request: OffsetCommitRequest,
): Promise<OffsetCommitResult> {
  const { clock, config, groups, rebalancer } = ctx;
  const groupInstanceId = request.groupInstanceId ?? null;
  const fromMember = request.generationId >= 0 || request.memberId !== '' || groupInstanceId !== null;
  let group = groups.get(request.groupId);
  if (group === undefined) {
    if (fromMember) {
      return answerAll(
        request,
        request.generationId < 0 ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.ILLEGAL_GENERATION,
      );
    }
    group = groups.create(request.groupId);
  }
  const refusal = validate(group, request, fromMember, groupInstanceId);
  if (refusal !== ErrorCode.NONE) return answerAll(request, refusal);
  const member = group.members.get(request.memberId);
  if (member !== undefined) rebalancer.scheduleHeartbeatExpiry(group, member);

  const now = clock.now();
  const retentionTimeMs = request.retentionTimeMs ?? -1;
  const expireTimestamp = retentionTimeMs === -1 ? null : now + retentionTimeMs;
  const toStore: OffsetToStore[] = [];
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const metadata = p.committedMetadata ?? '';
      if (metadata.length > config.offsetMetadataMaxBytes) continue;
      toStore.push({
        topic: topic.name,
        partition: p.partitionIndex,
        value: {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata,
          commitTimestamp: now,
          expireTimestamp,
        },
      });
    }
  }
  const stored = toStore.length === 0 ? ErrorCode.NONE : await groups.storeOffsets(group, toStore);
  return {
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode:
          (p.committedMetadata ?? '').length > config.offsetMetadataMaxBytes
            ? ErrorCode.OFFSET_METADATA_TOO_LARGE
            : stored,
      })),
    })),
  };
}

/**
 * NONE when the commit may be stored. Commits are accepted while the group prepares a rebalance
 * (the member learns of it from its next heartbeat) but not between a JoinGroup answer and the
 * assignment: the member is then between generations.
 */
function validate(
  group: GroupMetadata,
  request: OffsetCommitRequest,
  fromMember: boolean,
  groupInstanceId: string | null,
): number {
  if (fromMember) {
    if (group.isStaticMemberFenced(request.memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (!group.has(request.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is('Empty')) {
    // A group with members only takes commits that prove membership of the current generation.
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  return group.is('CompletingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
}

function answerAll(request: OffsetCommitRequest, errorCode: number): OffsetCommitResult {
  return {
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}
