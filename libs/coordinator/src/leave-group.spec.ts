import { ErrorCode } from '@runnel/protocol';
import { isSettled, joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

describe('LeaveGroup', () => {
  it('rebalances a Stable group without the member that left; the last one leaving empties the group', async () => {
    const { coordinator } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);

    const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: b?.memberId ?? '' }] });
    expect(left).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: b?.memberId, groupInstanceId: null, errorCode: ErrorCode.NONE }],
    });
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('PreparingRebalance');
    const rejoin = await coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a?.memberId ?? '' }));
    expect(rejoin.members.map((m) => m.memberId)).toEqual([a?.memberId]);

    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a?.memberId ?? '' }] });
    expect((await coordinator.describeGroups(['g']))[0]).toMatchObject({ groupState: 'Empty', members: [] });
  });

  it('completes a rebalance at once when the only member it still waits for leaves (PreparingRebalance)', async () => {
    const { coordinator } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const c = coordinator.joinGroup(joinRequest({ clientId: 'c' }));
    const ra = coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a?.memberId ?? '' }));
    expect(await isSettled(ra)).toBe(false);

    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: b?.memberId ?? '' }] });

    const [resultA, resultC] = await Promise.all([ra, c]);
    expect(resultA?.generationId).toBe(3);
    expect(resultA?.members.map((m) => m.memberId)).toEqual([a?.memberId, resultC?.memberId]);
  });

  it('sends the members waiting for their assignment back to rejoin when the leader leaves (CompletingRebalance)', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupInitialRebalanceDelayMs: 100 });
    const joins = [
      coordinator.joinGroup(joinRequest({ clientId: 'a' })),
      coordinator.joinGroup(joinRequest({ clientId: 'b' })),
    ];
    scheduler.advance(200);
    const [leader, follower] = await Promise.all(joins);
    const followerSync = coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower?.memberId ?? '',
      assignments: [],
    });

    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: leader?.memberId ?? '' }] });

    expect(await followerSync).toEqual({
      errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
      assignment: Buffer.alloc(0),
    });
    const rejoin = await coordinator.joinGroup(
      joinRequest({ clientId: 'b', memberId: follower?.memberId ?? '' }),
    );
    expect(rejoin).toMatchObject({ generationId: 2, leader: follower?.memberId });
  });

  it('answers a member still waiting in JoinGroup UNKNOWN_MEMBER_ID when it leaves', async () => {
    const { coordinator } = startCoordinator({ groupInitialRebalanceDelayMs: 3000 });
    const waiting = coordinator.joinGroup(joinRequest());
    const [described] = await coordinator.describeGroups(['g']);

    await coordinator.leaveGroup({
      groupId: 'g',
      members: [{ memberId: described?.members[0]?.memberId ?? '' }],
    });

    expect(await waiting).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  });

  it('answers each member of a batch on its own: UNKNOWN_MEMBER_ID for strangers and for an unknown group', async () => {
    const { coordinator } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);

    const batch = await coordinator.leaveGroup({
      groupId: 'g',
      members: [{ memberId: 'stranger' }, { memberId: a?.memberId ?? '' }],
    });
    const noGroup = await coordinator.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x' }] });

    expect(batch.members.map((m) => m.errorCode)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE]);
    expect(noGroup).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
  });

  it('lets a member id handed out with MEMBER_ID_REQUIRED leave before it ever joined', async () => {
    const { coordinator } = startCoordinator();
    const pending = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));

    const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: pending.memberId }] });
    const rejoin = await coordinator.joinGroup(joinRequest({ memberId: pending.memberId }));

    expect(left.members[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(rejoin.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
