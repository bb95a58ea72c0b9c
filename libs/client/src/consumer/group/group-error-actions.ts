import { ErrorCode } from '@runnel/protocol';

/**
 * What a member does about each error code of each group request: the response handlers of
 * Kafka's AbstractCoordinator and ConsumerCoordinator as one table per request. Pure; the
 * coordinator acts on the answer.
 *
 * - `retry`: back off `retryBackoffMs` and send the same request again.
 * - `find-coordinator`: the coordinator moved or is down: find it again, then retry.
 * - `member-id-required`: JoinGroup v4+ handed out a member id; join again with it at once.
 * - `rejoin`: the group is rebalancing: join again, keeping member id and generation (under the
 *   cooperative protocol the member consumes on meanwhile).
 * - `reset-member`: the generation ended without this member (expelled, or a stale generation):
 *   its partitions are lost; it joins again as a new member (member id '', generation -1).
 * - `fatal`: the member cannot be in this group as configured (fenced by another instance with its
 *   `groupInstanceId`, an inconsistent protocol, authorization, a session timeout the broker
 *   refuses, an unexpected code): the coordinator stops and reports the error.
 */
export type GroupErrorAction =
  | 'none'
  | 'retry'
  | 'find-coordinator'
  | 'member-id-required'
  | 'rejoin'
  | 'reset-member'
  | 'fatal';

const COORDINATOR_MOVED: readonly number[] = [ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE];

function common(code: number): GroupErrorAction | undefined {
  if (code === ErrorCode.NONE) return 'none';
  if (COORDINATOR_MOVED.includes(code)) return 'find-coordinator';
  if (code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return 'retry';
  return undefined;
}

/** FindCoordinator: every retriable code is retried after a backoff (with a fresh connection). */
export function findCoordinatorAction(code: number): GroupErrorAction {
  if (code === ErrorCode.NONE) return 'none';
  if (code === ErrorCode.GROUP_AUTHORIZATION_FAILED || code === ErrorCode.INVALID_REQUEST) return 'fatal';
  return 'retry';
}

/**
 * JoinGroup. REBALANCE_IN_PROGRESS answers a static member's join while the group completes a
 * rebalance: joining again is right. UNKNOWN_MEMBER_ID: the member id expired before the rejoin.
 */
export function joinGroupAction(code: number): GroupErrorAction {
  const shared = common(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case ErrorCode.MEMBER_ID_REQUIRED:
      return 'member-id-required';
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return 'retry';
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
      return 'reset-member';
    default:
      return 'fatal';
  }
}

/** SyncGroup: another rebalance started meanwhile, or this generation is gone. */
export function syncGroupAction(code: number): GroupErrorAction {
  const shared = common(code);
  if (shared !== undefined) return shared === 'retry' ? 'rejoin' : shared;
  switch (code) {
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return 'rejoin';
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
      return 'reset-member';
    default:
      return 'fatal';
  }
}

/**
 * Heartbeat. FENCED_INSTANCE_ID is fatal, as in Java: another process runs with this member's
 * `groupInstanceId`, and rejoining would only fence that one in turn, back and forth.
 */
export function heartbeatAction(code: number): GroupErrorAction {
  const shared = common(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return 'rejoin';
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
      return 'reset-member';
    default:
      return 'fatal';
  }
}

/**
 * OffsetCommit, per partition. REBALANCE_IN_PROGRESS: between the JoinGroup answer and the new
 * assignment; the caller may commit again once it has it. UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION:
 * the commit failed for good (CommitFailedError) and the member rejoins as new. Codes about the
 * request itself (OFFSET_METADATA_TOO_LARGE, INVALID_COMMIT_OFFSET_SIZE, an unknown partition)
 * fail the commit without touching membership: `fail`.
 */
export type CommitErrorAction = GroupErrorAction | 'fail';

export function offsetCommitAction(code: number): CommitErrorAction {
  const shared = common(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case ErrorCode.REQUEST_TIMED_OUT:
      return 'find-coordinator';
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return 'rejoin';
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
      return 'reset-member';
    case ErrorCode.FENCED_INSTANCE_ID:
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
      return 'fatal';
    default:
      return 'fail';
  }
}

/** OffsetFetch (group-level and per-partition codes). */
export function offsetFetchAction(code: number): CommitErrorAction {
  const shared = common(code);
  if (shared !== undefined) return shared;
  if (code === ErrorCode.UNSTABLE_OFFSET_COMMIT) return 'retry';
  if (code === ErrorCode.GROUP_AUTHORIZATION_FAILED) return 'fatal';
  return 'fail';
}
