import { ErrorCode } from '@runnel/protocol';
import { joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

const simpleCommit = (groupId: string) => ({
  groupId,
  generationId: -1,
  memberId: '',
  topics: [
    { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: '' }] },
  ],
});

describe('DescribeGroups, ListGroups, DeleteGroups and metrics', () => {
  it('describes a Stable group with its protocol and every member with metadata and assignment', async () => {
    const { coordinator } = startCoordinator();
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);

    const [described] = await coordinator.describeGroups(['g']);

    expect(described).toEqual({
      errorCode: ErrorCode.NONE,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [a, b].map((m, i) => ({
        memberId: m?.memberId,
        groupInstanceId: null,
        clientId: i === 0 ? 'a' : 'b',
        clientHost: '/127.0.0.1',
        memberMetadata: Buffer.from('subscription'),
        memberAssignment: Buffer.from(i === 0 ? 'a' : 'b'),
      })),
    });
  });

  it('hides protocol, metadata and assignments while the group rebalances', async () => {
    const { coordinator } = startCoordinator();
    await stableGroup(coordinator, ['a']);
    void coordinator.joinGroup(joinRequest({ clientId: 'b' }));

    const [described] = await coordinator.describeGroups(['g']);

    expect(described?.groupState).toBe('PreparingRebalance');
    expect(described?.protocolData).toBe('');
    expect(described?.members.map((m) => [m.memberMetadata.length, m.memberAssignment.length])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('lists every group with its protocol type and state', async () => {
    const { coordinator } = startCoordinator();
    await stableGroup(coordinator, ['a']);
    await coordinator.commitOffsets(simpleCommit('offsets-only'));

    expect(await coordinator.listGroups()).toEqual({
      errorCode: ErrorCode.NONE,
      groups: [
        { groupId: 'g', protocolType: 'consumer', groupState: 'Stable' },
        { groupId: 'offsets-only', protocolType: '', groupState: 'Empty' },
      ],
    });
  });

  it('deletes only Empty groups, with their offsets: NON_EMPTY_GROUP for active ones, GROUP_ID_NOT_FOUND for unknown ones', async () => {
    const { coordinator, store } = startCoordinator();
    await stableGroup(coordinator, ['a']);
    await coordinator.commitOffsets(simpleCommit('idle'));

    const results = await coordinator.deleteGroups(['g', 'idle', 'nope']);

    expect(results).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: ErrorCode.NONE },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect((await coordinator.describeGroups(['idle']))[0]?.groupState).toBe('Dead');
    const fetched = await coordinator.fetchOffsets({
      groupId: 'idle',
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    });
    expect(fetched.topics[0]?.partitions[0]?.committedOffset).toBe(-1n);
    expect(store.records.at(-1)).toEqual({
      type: 'offset-commit',
      groupId: 'idle',
      topic: 'orders',
      partition: 0,
      value: null,
    });
  });

  it('reports state, member count and committed offsets per group for metrics and lag', async () => {
    const { coordinator, scheduler } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);
    await coordinator.commitOffsets({ ...simpleCommit('g'), generationId: 1, memberId: a?.memberId ?? '' });

    expect(coordinator.groupMetrics()).toEqual([
      {
        groupId: 'g',
        state: 'Stable',
        protocolType: 'consumer',
        protocolName: 'range',
        generationId: 1,
        memberCount: 1,
        offsets: [
          {
            topic: 'orders',
            partition: 0,
            offset: 9n,
            leaderEpoch: -1,
            metadata: '',
            commitTimestamp: scheduler.now(),
          },
        ],
      },
    ]);
  });
});
