import { ErrorCode } from '@runnel/protocol';
import type { GroupRecord } from './group-records.js';
import type { GroupStore } from './group-store.js';
import type { OffsetCommitRequest } from './offset-types.js';
import { joinRequest, stableGroup, startCoordinator } from './test-support/coordinator-harness.js';

function commit(overrides: Partial<OffsetCommitRequest> = {}, offset = 42n): OffsetCommitRequest {
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    topics: [
      {
        name: 'orders',
        partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: 'meta' }],
      },
    ],
    ...overrides,
  };
}

function errorCodes(result: {
  topics: readonly { partitions: readonly { errorCode: number }[] }[];
}): number[] {
  return result.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

describe('OffsetCommit and OffsetFetch', () => {
  it("stores a member's commit with its leader epoch, metadata and commit time, and serves it back", async () => {
    const { coordinator, scheduler, store } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);

    const result = await coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a?.memberId ?? '',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: 'meta' },
            { partitionIndex: 1, committedOffset: 7n, committedMetadata: null },
          ],
        },
      ],
    });

    expect(errorCodes(result)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    const fetched = await coordinator.fetchOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }],
    });
    expect(fetched).toEqual({
      errorCode: ErrorCode.NONE,
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 42n,
              committedLeaderEpoch: 3,
              metadata: 'meta',
              errorCode: 0,
            },
            { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(store.records.at(-2)).toEqual({
      type: 'offset-commit',
      groupId: 'g',
      topic: 'orders',
      partition: 0,
      value: {
        offset: 42n,
        leaderEpoch: 3,
        metadata: 'meta',
        commitTimestamp: scheduler.now(),
        expireTimestamp: null,
      },
    });
  });

  it('lists every committed offset for null topics and answers -1 for a group without commits', async () => {
    const { coordinator } = startCoordinator();
    await coordinator.commitOffsets(commit());
    await coordinator.commitOffsets(
      commit({
        topics: [
          {
            name: 'refunds',
            partitions: [{ partitionIndex: 3, committedOffset: 1n, committedMetadata: '' }],
          },
        ],
      }),
    );

    const all = await coordinator.fetchOffsets({ groupId: 'g', topics: null });
    const none = await coordinator.fetchOffsets({
      groupId: 'other',
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    });

    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([
      ['orders', [42n]],
      ['refunds', [1n]],
    ]);
    expect(none.topics[0]?.partitions[0]?.committedOffset).toBe(-1n);
    expect((await coordinator.fetchOffsets({ groupId: 'other', topics: null })).topics).toEqual([]);
  });

  it('accepts a simple commit (generation -1, no member id) for a new group, which it creates Empty without protocol type', async () => {
    const { coordinator } = startCoordinator();

    expect(errorCodes(await coordinator.commitOffsets(commit()))).toEqual([ErrorCode.NONE]);

    expect((await coordinator.describeGroups(['g']))[0]).toMatchObject({
      groupState: 'Empty',
      protocolType: '',
      members: [],
    });
    expect((await coordinator.listGroups()).groups).toEqual([
      { groupId: 'g', protocolType: '', groupState: 'Empty' },
    ]);
  });

  it('accepts a simple commit once every member has left, and refuses it while the group has members', async () => {
    const { coordinator } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a']);

    expect(errorCodes(await coordinator.commitOffsets(commit()))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a?.memberId ?? '' }] });
    expect(errorCodes(await coordinator.commitOffsets(commit()))).toEqual([ErrorCode.NONE]);
  });

  it('refuses a commit from a stale generation: ILLEGAL_GENERATION', async () => {
    const { coordinator } = startCoordinator();
    const [a] = await stableGroup(coordinator, ['a', 'b']);
    const memberId = a?.memberId ?? '';

    const stale = await coordinator.commitOffsets(commit({ generationId: 1, memberId }));
    const current = await coordinator.commitOffsets(commit({ generationId: 2, memberId }, 50n));

    expect(errorCodes(stale)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(errorCodes(current)).toEqual([ErrorCode.NONE]);
    const fetched = await coordinator.fetchOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    });
    expect(fetched.topics[0]?.partitions[0]?.committedOffset).toBe(50n);
  });

  it('refuses unknown members (UNKNOWN_MEMBER_ID) and generations of groups that do not exist (ILLEGAL_GENERATION)', async () => {
    const { coordinator } = startCoordinator();
    await stableGroup(coordinator, ['a']);

    expect(errorCodes(await coordinator.commitOffsets(commit({ generationId: 1, memberId: 'x' })))).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect(
      errorCodes(await coordinator.commitOffsets(commit({ groupId: 'h', generationId: 4, memberId: 'x' }))),
    ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(errorCodes(await coordinator.commitOffsets(commit({ groupId: 'h', memberId: 'x' })))).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect((await coordinator.describeGroups(['h']))[0]?.groupState).toBe('Dead');
  });

  it('refuses commits between the JoinGroup answer and the assignment (REBALANCE_IN_PROGRESS) but takes them while preparing one', async () => {
    const { coordinator } = startCoordinator();
    const joined = await coordinator.joinGroup(joinRequest({ clientId: 'a' }));
    const memberId = joined.memberId;

    const completing = await coordinator.commitOffsets(commit({ generationId: 1, memberId }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, assignments: [] });
    void coordinator.joinGroup(joinRequest({ clientId: 'b' }));
    const preparing = await coordinator.commitOffsets(commit({ generationId: 1, memberId }));

    expect(errorCodes(completing)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    expect(errorCodes(preparing)).toEqual([ErrorCode.NONE]);
  });

  it('refuses only the partitions whose metadata is longer than offset.metadata.max.bytes', async () => {
    const { coordinator } = startCoordinator({ offsetMetadataMaxBytes: 4 });

    const result = await coordinator.commitOffsets(
      commit({
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 1n, committedMetadata: 'four' },
              { partitionIndex: 1, committedOffset: 1n, committedMetadata: 'fives' },
            ],
          },
        ],
      }),
    );

    expect(errorCodes(result)).toEqual([ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    const fetched = await coordinator.fetchOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [1] }],
    });
    expect(fetched.topics[0]?.partitions[0]?.committedOffset).toBe(-1n);
  });

  it('does not serve a commit the store failed to write, and answers COORDINATOR_NOT_AVAILABLE', async () => {
    const failing: GroupStore = {
      append: (_groupId: string, _records: readonly GroupRecord[]) => Promise.reject(new Error('disk full')),
    };
    const { coordinator } = startCoordinator({}, { store: failing });

    const result = await coordinator.commitOffsets(commit());

    expect(errorCodes(result)).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    const fetched = await coordinator.fetchOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    });
    expect(fetched.topics[0]?.partitions[0]?.committedOffset).toBe(-1n);
  });

  it('gives a commit carrying its own retention time (OffsetCommit v2-4) an expire timestamp', async () => {
    const { coordinator, scheduler, store } = startCoordinator();

    await coordinator.commitOffsets(commit({ retentionTimeMs: 60_000 }));

    expect(store.records.at(-1)).toMatchObject({ value: { expireTimestamp: scheduler.now() + 60_000 } });
  });
});
