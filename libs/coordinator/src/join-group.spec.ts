import { ErrorCode } from '@runnel/protocol';
import { GroupCoordinator } from './group-coordinator.js';
import { InMemoryGroupStore } from './group-store.js';
import { ManualScheduler } from './manual-scheduler.js';
import { isSettled, joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

async function stateOf(coordinator: GroupCoordinator, groupId = 'g') {
  const [described] = await coordinator.describeGroups([groupId]);
  return described?.groupState;
}

describe('JoinGroup', () => {
  it('makes the first member the leader of generation 1 and gives it every member metadata', async () => {
    const { coordinator } = startCoordinator();
    expect(await stateOf(coordinator)).toBe('Dead');

    const result = await coordinator.joinGroup(joinRequest({ clientId: 'alice' }));

    expect(result.errorCode).toBe(ErrorCode.NONE);
    expect(result.memberId).toMatch(/^alice-/);
    expect(result.generationId).toBe(1);
    expect(result.leader).toBe(result.memberId);
    expect(result.protocolName).toBe('range');
    expect(result.members).toEqual([
      { memberId: result.memberId, groupInstanceId: null, metadata: Buffer.from('subscription') },
    ]);
    expect(await stateOf(coordinator)).toBe('CompletingRebalance');
  });

  it('answers MEMBER_ID_REQUIRED with a member id first when the request version requires it (v4+)', async () => {
    const { coordinator } = startCoordinator();

    const first = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-/);
    expect((await coordinator.describeGroups(['g']))[0]?.members).toEqual([]);

    const second = await coordinator.joinGroup(
      joinRequest({ memberId: first.memberId, requireKnownMemberId: true }),
    );
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, generationId: 1 });
    expect(second.leader).toBe(first.memberId);
  });

  it('forgets a member id handed out with MEMBER_ID_REQUIRED that does not come back within the session timeout', async () => {
    const { coordinator, scheduler } = startCoordinator();
    const first = await coordinator.joinGroup(
      joinRequest({ requireKnownMemberId: true, sessionTimeoutMs: 10_000 }),
    );

    scheduler.advance(10_000);

    const late = await coordinator.joinGroup(joinRequest({ memberId: first.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('waits group.initial.rebalance.delay.ms so that two members joining together form one generation', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupInitialRebalanceDelayMs: 3000 });

    const a = coordinator.joinGroup(joinRequest({ clientId: 'a' }));
    scheduler.advance(1000);
    const b = coordinator.joinGroup(joinRequest({ clientId: 'b' }));
    expect(await stateOf(coordinator)).toBe('PreparingRebalance');
    scheduler.advance(2999);
    expect(await isSettled(a)).toBe(false);

    // The second member arrived during the delay, which therefore runs once more.
    scheduler.advance(1);
    expect(await isSettled(a)).toBe(false);
    scheduler.advance(3000);

    const [ra, rb] = await Promise.all([a, b]);
    expect(ra?.generationId).toBe(1);
    expect(rb?.generationId).toBe(1);
    expect(ra?.leader).toBe(ra?.memberId);
    expect(ra?.members.map((m) => m.memberId)).toEqual([ra?.memberId, rb?.memberId]);
    expect(rb?.members).toEqual([]);
    expect(rb?.leader).toBe(ra?.memberId);
  });

  it('ends the initial delay at the rebalance timeout however many members keep arriving', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupInitialRebalanceDelayMs: 3000 });
    const joins = [];
    for (let i = 0; i < 4; i++) {
      if (i > 0) scheduler.advance(2000);
      joins.push(coordinator.joinGroup(joinRequest({ clientId: `m${i}`, rebalanceTimeoutMs: 7000 })));
    }
    // Delays of 3000, 3000, then the 1000 left of the 7000 rebalance timeout: the join ends at 7000.
    scheduler.advance(999);
    expect(await isSettled(joins[0] as Promise<unknown>)).toBe(false);
    scheduler.advance(1);

    const results = await Promise.all(joins);
    expect(results.map((r) => r.generationId)).toEqual([1, 1, 1, 1]);
    expect(results[0]?.members).toHaveLength(4);
  });

  it('rebalances a Stable group when a third member joins; everyone rejoins into the next generation', async () => {
    const { coordinator } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    expect(a?.generationId).toBe(2);
    expect(await stateOf(coordinator)).toBe('Stable');

    const c = coordinator.joinGroup(joinRequest({ clientId: 'c' }));
    expect(await stateOf(coordinator)).toBe('PreparingRebalance');
    const heartbeat = await coordinator.heartbeat({
      groupId: 'g',
      generationId: 2,
      memberId: b?.memberId ?? '',
    });
    expect(heartbeat.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const ra = coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a?.memberId ?? '' }));
    expect(await isSettled(c)).toBe(false);
    const rb = coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: b?.memberId ?? '' }));

    const results = await Promise.all([ra, rb, c]);
    expect(results.map((r) => r.generationId)).toEqual([3, 3, 3]);
    expect(results.map((r) => r.leader)).toEqual([a?.memberId, a?.memberId, a?.memberId]);
    expect(results[0]?.members).toHaveLength(3);
    expect(await stateOf(coordinator)).toBe('CompletingRebalance');
  });

  it('drops a member that does not rejoin within the rebalance timeout and forms the generation without it', async () => {
    const { coordinator, scheduler } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const ra = coordinator.joinGroup(
      joinRequest({ clientId: 'a', memberId: a?.memberId ?? '', rebalanceTimeoutMs: 30_000 }),
    );

    // b keeps heartbeating, so its session never expires, but it never rejoins.
    for (let t = 0; t < 30_000; t += 5000) {
      scheduler.advance(5000);
      await coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b?.memberId ?? '' });
    }

    const result = await ra;
    expect(result.generationId).toBe(3);
    expect(result.members.map((m) => m.memberId)).toEqual([a?.memberId]);
    const afterwards = await coordinator.heartbeat({
      groupId: 'g',
      generationId: 2,
      memberId: b?.memberId ?? '',
    });
    expect(afterwards.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers a follower rejoining a Stable group with unchanged metadata from the current generation', async () => {
    const { coordinator } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);

    const again = await coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: b?.memberId ?? '' }));

    expect(again).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 2,
      leader: a?.memberId,
      members: [],
    });
    expect(await stateOf(coordinator)).toBe('Stable');
  });

  it('refuses a member that shares no protocol with the group, or another protocol type: INCONSISTENT_GROUP_PROTOCOL', async () => {
    const { coordinator } = startCoordinator();
    await stableGroup(coordinator, ['a']);

    const otherAssignor = await coordinator.joinGroup(
      joinRequest({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }),
    );
    const otherType = await coordinator.joinGroup(joinRequest({ protocolType: 'connect' }));
    const noProtocols = await coordinator.joinGroup(joinRequest({ groupId: 'fresh', protocols: [] }));

    expect(otherAssignor.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(noProtocols.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(await stateOf(coordinator)).toBe('Stable');
  });

  it('selects the protocol most members prefer among those all of them support', async () => {
    const { coordinator, scheduler } = startCoordinator({ groupInitialRebalanceDelayMs: 100 });
    const protocols = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const joins = [
      coordinator.joinGroup(joinRequest({ protocols: protocols('sticky', 'range', 'roundrobin') })),
      coordinator.joinGroup(joinRequest({ protocols: protocols('roundrobin', 'range') })),
      coordinator.joinGroup(joinRequest({ protocols: protocols('roundrobin', 'range', 'sticky') })),
    ];
    scheduler.advance(200);

    const [leader] = await Promise.all(joins);
    expect(leader?.protocolName).toBe('roundrobin');
    expect(leader?.members.map((m) => m.metadata.toString())).toEqual([
      'roundrobin',
      'roundrobin',
      'roundrobin',
    ]);
  });

  it('refuses session timeouts outside group.min/max.session.timeout.ms: INVALID_SESSION_TIMEOUT', async () => {
    const { coordinator } = startCoordinator({
      groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 60_000,
    });

    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 5999 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 60_001 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 6000 }))).errorCode).toBe(
      ErrorCode.NONE,
    );
  });

  it('refuses a new member beyond group.max.size: GROUP_MAX_SIZE_REACHED', async () => {
    const { coordinator } = startCoordinator({ groupMaxSize: 1 });
    await stableGroup(coordinator, ['a']);

    const second = await coordinator.joinGroup(joinRequest({ clientId: 'b' }));

    expect(second).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
    expect(await stateOf(coordinator)).toBe('Stable');
  });

  it('answers UNKNOWN_MEMBER_ID to a member id the group does not know, or for a group that does not exist', async () => {
    const { coordinator } = startCoordinator();
    await stableGroup(coordinator, ['a']);

    expect((await coordinator.joinGroup(joinRequest({ memberId: 'stranger' }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(
      (await coordinator.joinGroup(joinRequest({ groupId: 'nope', memberId: 'stranger' }))).errorCode,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await stateOf(coordinator, 'nope')).toBe('Dead');
  });

  it('refuses an empty group id: INVALID_GROUP_ID', async () => {
    const { coordinator } = startCoordinator();
    expect((await coordinator.joinGroup(joinRequest({ groupId: '' }))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS before load and COORDINATOR_NOT_AVAILABLE after shutdown', async () => {
    const scheduler = new ManualScheduler();
    const coordinator = new GroupCoordinator({
      store: new InMemoryGroupStore(),
      clock: scheduler,
      scheduler,
    });
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );

    coordinator.load([]);
    coordinator.shutdown();

    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('answers NOT_COORDINATOR to a JoinGroup still waiting at shutdown', async () => {
    const { coordinator } = startCoordinator({ groupInitialRebalanceDelayMs: 3000 });
    const waiting = coordinator.joinGroup(joinRequest());

    coordinator.shutdown();

    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('answers NOT_COORDINATOR after unload, to waiting and later requests of every kind, loaded or not', async () => {
    const { coordinator } = startCoordinator({ groupInitialRebalanceDelayMs: 3000 });
    const waiting = coordinator.joinGroup(joinRequest());

    coordinator.unload();

    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const member = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null };
    expect((await coordinator.heartbeat(member)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await coordinator.fetchOffsets({ groupId: 'g', topics: null })).errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    expect((await coordinator.listGroups()).errorCode).toBe(ErrorCode.NOT_COORDINATOR);

    const neverLoaded = new GroupCoordinator({ store: new InMemoryGroupStore() });
    neverLoaded.unload();
    expect((await neverLoaded.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
