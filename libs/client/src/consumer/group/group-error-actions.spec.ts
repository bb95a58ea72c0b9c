import { ErrorCode } from '@runnel/protocol';
import {
  findCoordinatorAction,
  heartbeatAction,
  joinGroupAction,
  offsetCommitAction,
  offsetFetchAction,
  syncGroupAction,
} from './group-error-actions.js';

describe('group error actions', () => {
  it('finds the coordinator again when it moved or is down, for every request', () => {
    for (const code of [ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]) {
      for (const action of [
        joinGroupAction,
        syncGroupAction,
        heartbeatAction,
        offsetCommitAction,
        offsetFetchAction,
      ]) {
        expect(action(code)).toBe('find-coordinator');
      }
      expect(findCoordinatorAction(code)).toBe('retry');
    }
  });

  it('JoinGroup: MEMBER_ID_REQUIRED joins again with the id, an expired id starts over, bad settings are fatal', () => {
    expect(joinGroupAction(ErrorCode.NONE)).toBe('none');
    expect(joinGroupAction(ErrorCode.MEMBER_ID_REQUIRED)).toBe('member-id-required');
    expect(joinGroupAction(ErrorCode.UNKNOWN_MEMBER_ID)).toBe('reset-member');
    expect(joinGroupAction(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe('retry');
    expect(joinGroupAction(ErrorCode.REBALANCE_IN_PROGRESS)).toBe('retry');
    for (const code of [
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      ErrorCode.INVALID_SESSION_TIMEOUT,
      ErrorCode.GROUP_MAX_SIZE_REACHED,
      ErrorCode.FENCED_INSTANCE_ID,
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
      ErrorCode.UNKNOWN_SERVER_ERROR,
    ]) {
      expect(joinGroupAction(code)).toBe('fatal');
    }
  });

  it('SyncGroup and Heartbeat: a rebalance means rejoin, a gone generation means reset, fencing is fatal', () => {
    for (const action of [syncGroupAction, heartbeatAction]) {
      expect(action(ErrorCode.REBALANCE_IN_PROGRESS)).toBe('rejoin');
      expect(action(ErrorCode.UNKNOWN_MEMBER_ID)).toBe('reset-member');
      expect(action(ErrorCode.ILLEGAL_GENERATION)).toBe('reset-member');
      expect(action(ErrorCode.FENCED_INSTANCE_ID)).toBe('fatal');
    }
    expect(syncGroupAction(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe('rejoin');
    expect(heartbeatAction(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe('retry');
  });

  it('OffsetCommit: generation errors end the commit and the generation; request errors only fail it', () => {
    expect(offsetCommitAction(ErrorCode.REBALANCE_IN_PROGRESS)).toBe('rejoin');
    expect(offsetCommitAction(ErrorCode.ILLEGAL_GENERATION)).toBe('reset-member');
    expect(offsetCommitAction(ErrorCode.UNKNOWN_MEMBER_ID)).toBe('reset-member');
    expect(offsetCommitAction(ErrorCode.FENCED_INSTANCE_ID)).toBe('fatal');
    expect(offsetCommitAction(ErrorCode.REQUEST_TIMED_OUT)).toBe('find-coordinator');
    expect(offsetCommitAction(ErrorCode.OFFSET_METADATA_TOO_LARGE)).toBe('fail');
    expect(offsetCommitAction(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe('fail');
  });

  it('OffsetFetch retries unstable offsets and fails on the rest', () => {
    expect(offsetFetchAction(ErrorCode.UNSTABLE_OFFSET_COMMIT)).toBe('retry');
    expect(offsetFetchAction(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe('retry');
    expect(offsetFetchAction(ErrorCode.GROUP_AUTHORIZATION_FAILED)).toBe('fatal');
    expect(offsetFetchAction(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe('fail');
  });
});
