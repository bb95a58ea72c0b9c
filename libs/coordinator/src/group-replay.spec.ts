import { ErrorCode } from '@runnel/protocol';
import type { GroupRecord } from './group-records.js';
import { replayGroupRecords } from './group-replay.js';
import { joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

const offset = (n: bigint) => ({
  offset: n,
  leaderEpoch: -1,
  metadata: '',
  commitTimestamp: 1,
  expireTimestamp: null,
});

describe('replay of __consumer_offsets', () => {
  it('keeps the newest record per key and lets tombstones delete', () => {
    const records: GroupRecord[] = [
      { type: 'offset-commit', groupId: 'g', topic: 't', partition: 0, value: offset(1n) },
      { type: 'offset-commit', groupId: 'g', topic: 't', partition: 1, value: offset(2n) },
      { type: 'offset-commit', groupId: 'g', topic: 't', partition: 0, value: offset(3n) },
      { type: 'offset-commit', groupId: 'g', topic: 't', partition: 1, value: null },
      { type: 'offset-commit', groupId: 'gone', topic: 't', partition: 0, value: offset(4n) },
      { type: 'offset-commit', groupId: 'gone', topic: 't', partition: 0, value: null },
      {
        type: 'group-metadata',
        groupId: 'gone',
        value: {
          protocolType: 'consumer',
          generationId: 3,
          protocolName: null,
          leaderId: null,
          currentStateTimestamp: 5,
          members: [],
        },
      },
      { type: 'group-metadata', groupId: 'gone', value: null },
    ];

    const replayed = replayGroupRecords(records);

    expect([...replayed.keys()]).toEqual(['g']);
    expect(replayed.get('g')).toEqual({
      metadata: null,
      offsets: [{ topic: 't', partition: 0, value: offset(3n) }],
    });
  });

  it('restores a Stable group, its members, assignments and offsets after a restart', async () => {
    const before = startCoordinator();
    const [a, b] = await stableGroup(before.coordinator, ['a', 'b']);
    await before.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 2,
      memberId: a?.memberId ?? '',
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 12n, committedMetadata: 'm' }] },
      ],
    });
    const described = await before.coordinator.describeGroups(['g']);
    before.coordinator.shutdown();

    const after = startCoordinator({}, { records: before.store.records });

    expect(await after.coordinator.describeGroups(['g'])).toEqual(described);
    const heartbeat = await after.coordinator.heartbeat({
      groupId: 'g',
      generationId: 2,
      memberId: b?.memberId ?? '',
    });
    expect(heartbeat.errorCode).toBe(ErrorCode.NONE);
    const sync = await after.coordinator.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: b?.memberId ?? '',
      assignments: [],
    });
    expect(sync).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('b') });
    const fetched = await after.coordinator.fetchOffsets({ groupId: 'g', topics: null });
    expect(fetched.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 12n, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 },
        ],
      },
    ]);
  });

  it('expels replayed members that do not come back within their session timeout', async () => {
    const before = startCoordinator();
    await stableGroup(before.coordinator, ['a', 'b']);
    before.coordinator.shutdown();

    const after = startCoordinator({}, { records: before.store.records });
    after.scheduler.advance(10_000);

    expect((await after.coordinator.describeGroups(['g']))[0]).toMatchObject({
      groupState: 'Empty',
      members: [],
    });
  });

  it('does not bring back a deleted group or expired offsets', async () => {
    const before = startCoordinator({ offsetsRetentionMs: 60_000 });
    const commit = (groupId: string) =>
      before.coordinator.commitOffsets({
        groupId,
        generationId: -1,
        memberId: '',
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] },
        ],
      });
    await commit('deleted');
    await commit('expired');
    await before.coordinator.deleteGroups(['deleted']);
    before.scheduler.advance(60_000);
    await before.coordinator.expireOffsets();
    await commit('kept');

    const after = startCoordinator({}, { records: before.store.records });

    expect((await after.coordinator.listGroups()).groups.map((g) => g.groupId)).toEqual(['kept']);
  });

  it('rebalances a group replayed over a lowered group.max.size and sheds the members that rejoin last', async () => {
    const before = startCoordinator();
    const [a, b] = await stableGroup(before.coordinator, ['a', 'b']);
    before.coordinator.shutdown();

    const after = startCoordinator({ groupMaxSize: 1 }, { records: before.store.records });
    expect((await after.coordinator.describeGroups(['g']))[0]?.groupState).toBe('PreparingRebalance');
    const rejoinA = after.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a?.memberId ?? '' }));
    const rejoinB = await after.coordinator.joinGroup(
      joinRequest({ clientId: 'b', memberId: b?.memberId ?? '' }),
    );

    expect(rejoinB).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
    expect(await rejoinA).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
    expect((await rejoinA).members.map((m) => m.memberId)).toEqual([a?.memberId]);
  });
});
