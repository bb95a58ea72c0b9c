import { ErrorCode, KafkaError } from '@runnel/protocol';
import type { GroupRecord } from './group-records.js';
import type { GroupStore } from './group-store.js';
import { isSettled, joinRequest, startCoordinator } from './test-support/coordinator-harness.js';

/** A store whose appends fail with `failure` while it is set. */
class SwitchableStore implements GroupStore {
  readonly records: GroupRecord[] = [];
  failure: unknown = null;

  append(_groupId: string, records: readonly GroupRecord[]): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.records.push(...records);
    return Promise.resolve();
  }
}

async function twoMembersCompletingRebalance(store = new SwitchableStore()) {
  const started = startCoordinator({ groupInitialRebalanceDelayMs: 100 }, { store });
  const a = started.coordinator.joinGroup(joinRequest({ clientId: 'a' }));
  const b = started.coordinator.joinGroup(joinRequest({ clientId: 'b' }));
  started.scheduler.advance(200);
  const [leader, follower] = await Promise.all([a, b]);
  if (leader === undefined || follower === undefined) throw new Error('join failed');
  return { ...started, leader, follower };
}

describe('SyncGroup', () => {
  it("keeps a follower's SyncGroup waiting until the leader's arrives, then hands out each assignment", async () => {
    const { coordinator, leader, follower, store } = await twoMembersCompletingRebalance();

    const followerSync = coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower.memberId,
      assignments: [],
    });
    expect(await isSettled(followerSync)).toBe(false);

    const leaderSync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [
        { memberId: leader.memberId, assignment: Buffer.from('p0') },
        { memberId: follower.memberId, assignment: Buffer.from('p1') },
      ],
    });

    expect(leaderSync).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('p0') });
    expect(await followerSync).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('p1') });
    const [described] = await coordinator.describeGroups(['g']);
    expect(described?.groupState).toBe('Stable');
    expect(described?.members.map((m) => m.memberAssignment.toString())).toEqual(['p0', 'p1']);
    expect(store.records.at(-1)).toMatchObject({
      type: 'group-metadata',
      groupId: 'g',
      value: { generationId: 1, protocolName: 'range', leaderId: leader.memberId },
    });
  });

  it('gives a member the leader left out an empty assignment', async () => {
    const { coordinator, leader, follower } = await twoMembersCompletingRebalance();

    await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [],
    });

    const late = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower.memberId,
      assignments: [],
    });
    expect(late).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.alloc(0) });
  });

  it('answers ILLEGAL_GENERATION to another generation and UNKNOWN_MEMBER_ID to a stranger', async () => {
    const { coordinator, follower } = await twoMembersCompletingRebalance();

    const stale = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 0,
      memberId: follower.memberId,
      assignments: [],
    });
    const stranger = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: 'x',
      assignments: [],
    });
    const noGroup = await coordinator.syncGroup({
      groupId: 'h',
      generationId: 1,
      memberId: 'x',
      assignments: [],
    });

    expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(stranger.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(noGroup.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers REBALANCE_IN_PROGRESS while the group prepares a rebalance', async () => {
    const { coordinator, leader } = await twoMembersCompletingRebalance();
    const newcomer = coordinator.joinGroup(joinRequest({ clientId: 'c' }));

    const sync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [],
    });

    expect(sync.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await isSettled(newcomer)).toBe(false);
  });

  it("fails every waiting SyncGroup and rebalances when the leader's assignment cannot be stored", async () => {
    const store = new SwitchableStore();
    const { coordinator, leader, follower } = await twoMembersCompletingRebalance(store);
    const followerSync = coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower.memberId,
      assignments: [],
    });
    store.failure = KafkaError.fromCode(ErrorCode.NOT_LEADER_OR_FOLLOWER);

    const leaderSync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [{ memberId: follower.memberId, assignment: Buffer.from('p1') }],
    });

    expect(leaderSync.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await followerSync).toEqual({ errorCode: ErrorCode.NOT_COORDINATOR, assignment: Buffer.alloc(0) });
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('PreparingRebalance');
  });
});
