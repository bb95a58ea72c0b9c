import { ErrorCode } from '@runnel/protocol';
import { isSettled, joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

describe('Heartbeat and session timeouts', () => {
  it('expels a member that stops heartbeating after session.timeout.ms, and the group rebalances without it', async () => {
    const { coordinator, scheduler } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const heartbeatA = () =>
      coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a?.memberId ?? '' });

    scheduler.advance(6000);
    expect((await heartbeatA()).errorCode).toBe(ErrorCode.NONE);
    // b's session (10 s) ends at 10 000; a heartbeated at 6000 so it lives until 16 000.
    scheduler.advance(3999);
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('Stable');
    scheduler.advance(1);

    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('PreparingRebalance');
    expect((await heartbeatA()).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a?.memberId ?? '' }));
    expect(rejoin.generationId).toBe(3);
    expect(rejoin.members.map((m) => m.memberId)).toEqual([a?.memberId]);
    const expelled = await coordinator.heartbeat({
      groupId: 'g',
      generationId: 2,
      memberId: b?.memberId ?? '',
    });
    expect(expelled.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('keeps a member that heartbeats within its session timeout for as long as it does', async () => {
    const { coordinator, scheduler } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);

    for (let i = 0; i < 10; i++) {
      scheduler.advance(9999);
      const { errorCode } = await coordinator.heartbeat({
        groupId: 'g',
        generationId: 1,
        memberId: a?.memberId ?? '',
      });
      expect(errorCode).toBe(ErrorCode.NONE);
    }
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('Stable');
  });

  it('leaves the group Empty in a new generation, and stores it so, when its last member expires', async () => {
    const { coordinator, scheduler, store } = startCoordinator();
    await stableGroup(coordinator, ['a']);

    scheduler.advance(10_000);

    const [described] = await coordinator.describeGroups(['g']);
    expect(described).toMatchObject({ groupState: 'Empty', protocolType: 'consumer', members: [] });
    expect(store.records.at(-1)).toEqual({
      type: 'group-metadata',
      groupId: 'g',
      value: {
        protocolType: 'consumer',
        generationId: 2,
        protocolName: null,
        leaderId: null,
        currentStateTimestamp: scheduler.now(),
        members: [],
      },
    });
  });

  it('answers a heartbeat between the JoinGroup answer and the assignment normally', async () => {
    const { coordinator } = startCoordinator();
    const a = await coordinator.joinGroup(joinRequest());

    const { errorCode } = await coordinator.heartbeat({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
    });

    expect(errorCode).toBe(ErrorCode.NONE);
  });

  it('does not expel a member while its SyncGroup waits for the leader, however long', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupInitialRebalanceDelayMs: 100 });
    const joins = [
      coordinator.joinGroup(joinRequest({ clientId: 'a' })),
      coordinator.joinGroup(joinRequest({ clientId: 'b' })),
    ];
    // b joined during the initial delay, which therefore runs twice.
    scheduler.advance(200);
    const [leader, follower] = await Promise.all(joins);
    const followerSync = coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower?.memberId ?? '',
      assignments: [],
    });

    // The leader heartbeats; the follower cannot, it is blocked in SyncGroup.
    for (let i = 0; i < 3; i++) {
      scheduler.advance(9000);
      await coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader?.memberId ?? '' });
    }
    expect(await isSettled(followerSync)).toBe(false);
    await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: leader?.memberId ?? '',
      assignments: [],
    });

    expect((await followerSync).errorCode).toBe(ErrorCode.NONE);
    expect((await coordinator.describeGroups(['g']))[0]?.members).toHaveLength(2);
  });

  it('answers ILLEGAL_GENERATION to a stale generation and UNKNOWN_MEMBER_ID to a stranger', async () => {
    const { coordinator } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);

    const stale = await coordinator.heartbeat({ groupId: 'g', generationId: 0, memberId: a?.memberId ?? '' });
    const stranger = await coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: 'x' });
    const noGroup = await coordinator.heartbeat({ groupId: 'nope', generationId: 1, memberId: 'x' });

    expect([stale.errorCode, stranger.errorCode, noGroup.errorCode]).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
  });

  it('drops a new member whose first JoinGroup waits in a rebalance for over 5 minutes', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupMaxSessionTimeoutMs: 1_800_000 });
    const [a] = await stableGroup(coordinator, ['a']);
    // Rebalance timeout 10 min; 'a' heartbeats but never rejoins, so the rebalance waits for it.
    const newcomer = coordinator.joinGroup(joinRequest({ clientId: 'b', rebalanceTimeoutMs: 600_000 }));
    for (let elapsed = 0; elapsed < 300_000; elapsed += 5000) {
      expect(await isSettled(newcomer)).toBe(false);
      scheduler.advance(5000);
      await coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a?.memberId ?? '' });
    }

    expect(await newcomer).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' });
  });
});
