import { ErrorCode } from '@runnel/protocol';
import { joinRequest, startCoordinator } from './test-support/coordinator-harness.js';

async function stableStaticGroup() {
  const started = startCoordinator({ groupInitialRebalanceDelayMs: 100, groupMaxSize: 2 });
  const { coordinator, scheduler } = started;
  const joins = [
    coordinator.joinGroup(
      joinRequest({ clientId: 'a', groupInstanceId: 'instance-a', rebalanceTimeoutMs: 5000 }),
    ),
    coordinator.joinGroup(
      joinRequest({ clientId: 'b', groupInstanceId: 'instance-b', rebalanceTimeoutMs: 5000 }),
    ),
  ];
  scheduler.advance(200);
  const [a, b] = await Promise.all(joins);
  if (a === undefined || b === undefined) throw new Error('join failed');
  await Promise.all([
    coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: 'instance-a',
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('p0') },
        { memberId: b.memberId, assignment: Buffer.from('p1') },
      ],
    }),
    coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: b.memberId,
      groupInstanceId: 'instance-b',
      assignments: [],
    }),
  ]);
  return { ...started, a, b };
}

describe('static membership (group.instance.id)', () => {
  it('lets a restarted static member take its place under a new id without a rebalance, fencing the old id, even in a full group', async () => {
    const { coordinator, a, b, store } = await stableStaticGroup();

    const restarted = await coordinator.joinGroup(
      joinRequest({ clientId: 'b', groupInstanceId: 'instance-b' }),
    );

    expect(restarted).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      leader: a.memberId,
      members: [],
    });
    expect(restarted.memberId).not.toBe(b.memberId);
    expect(restarted.memberId).toMatch(/^instance-b-/);
    const sync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: restarted.memberId,
      groupInstanceId: 'instance-b',
      assignments: [],
    });
    expect(sync).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('p1') });
    const old = await coordinator.heartbeat({
      groupId: 'g',
      generationId: 1,
      memberId: b.memberId,
      groupInstanceId: 'instance-b',
    });
    expect(old.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('Stable');
    expect(store.records.at(-1)).toMatchObject({
      type: 'group-metadata',
      value: {
        members: [{ memberId: a.memberId }, { memberId: restarted.memberId, groupInstanceId: 'instance-b' }],
      },
    });
  });

  it('keeps a static member that misses a rebalance in the next generation, until its session expires', async () => {
    const { coordinator, scheduler, a, b } = await stableStaticGroup();
    const join = (generation: number) =>
      coordinator
        .joinGroup(
          joinRequest({
            clientId: 'a',
            memberId: a.memberId,
            groupInstanceId: 'instance-a',
            rebalanceTimeoutMs: 5000,
          }),
        )
        .then((result) => {
          expect(result.generationId).toBe(generation);
          return result.members.map((m) => m.memberId);
        });

    // A dynamic member would be dropped at the rebalance timeout; b stays with its old metadata.
    const second = join(2);
    scheduler.advance(5000);
    expect(await second).toEqual([a.memberId, b.memberId]);

    // Sessions restart when a generation forms; a heartbeats, b's session expires 10 s later and the
    // group rebalances without it.
    scheduler.advance(9000);
    await coordinator.heartbeat({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      groupInstanceId: 'instance-a',
    });
    scheduler.advance(1000);
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('PreparingRebalance');
    expect(await join(3)).toEqual([a.memberId]);
    const gone = await coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b.memberId });
    expect(gone.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes a static member named by its instance id alone in LeaveGroup', async () => {
    const { coordinator, b } = await stableStaticGroup();

    const left = await coordinator.leaveGroup({
      groupId: 'g',
      members: [{ memberId: '', groupInstanceId: 'instance-b' }],
    });
    const stale = await coordinator.leaveGroup({
      groupId: 'g',
      members: [{ memberId: 'other', groupInstanceId: 'instance-a' }],
    });

    expect(left.members[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(stale.members[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const members = (await coordinator.describeGroups(['g']))[0]?.members.map((m) => m.memberId);
    expect(members).not.toContain(b.memberId);
  });
});
