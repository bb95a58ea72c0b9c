import { ErrorCode, encodeSubscription } from '@runnel/protocol';
import type { GroupRecord } from './group-records.js';
import type { GroupStore } from './group-store.js';
import type { OffsetCommitRequest } from './offset-types.js';
import { joinRequest, startCoordinator } from './test-support/coordinator-harness.js';

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

function commit(topic: string, overrides: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest {
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    topics: [
      { name: topic, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: '' }] },
    ],
    ...overrides,
  };
}

async function committedTopics(coordinator: {
  fetchOffsets: (r: { groupId: string; topics: null }) => Promise<{ topics: readonly { name: string }[] }>;
}) {
  return (await coordinator.fetchOffsets({ groupId: 'g', topics: null })).topics.map((t) => t.name);
}

describe('offset retention', () => {
  it("expires an emptied group's offsets offsets.retention after it became Empty, not after the commit, then removes the group", async () => {
    const { coordinator, scheduler, store } = startCoordinator({
      offsetsRetentionMs: HOUR,
      offsetsRetentionCheckIntervalMs: 7 * 24 * HOUR,
    });
    const joined = await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 30 * MINUTE }));
    const member = { generationId: 1, memberId: joined.memberId };
    await coordinator.syncGroup({ groupId: 'g', ...member, assignments: [] });
    await coordinator.commitOffsets(commit('orders', member));
    for (let i = 0; i < 2; i++) {
      scheduler.advance(25 * MINUTE);
      await coordinator.heartbeat({ groupId: 'g', ...member });
    }
    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: joined.memberId }] });

    scheduler.advance(HOUR - 1);
    expect(await coordinator.expireOffsets()).toEqual({ offsetsRemoved: 0, groupsRemoved: [] });
    scheduler.advance(1);
    expect(await coordinator.expireOffsets()).toEqual({ offsetsRemoved: 1, groupsRemoved: ['g'] });

    expect(await committedTopics(coordinator)).toEqual([]);
    expect((await coordinator.describeGroups(['g']))[0]?.groupState).toBe('Dead');
    expect(store.records.slice(-2)).toEqual([
      { type: 'offset-commit', groupId: 'g', topic: 'orders', partition: 0, value: null },
      { type: 'group-metadata', groupId: 'g', value: null },
    ]);
  });

  it('checks for expired offsets every offsets.retention.check.interval.ms, keeping those of a group with members', async () => {
    const { coordinator, scheduler } = startCoordinator({ offsetsRetentionMs: HOUR });
    const memberJoin = joinRequest({ sessionTimeoutMs: 30 * MINUTE, protocolType: 'connect' });
    const joined = await coordinator.joinGroup(memberJoin);
    const memberId = joined.memberId;
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, assignments: [] });
    await coordinator.commitOffsets(commit('orders', { generationId: 1, memberId }));

    for (let i = 0; i < 8; i++) {
      scheduler.advance(25 * MINUTE);
      await coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId });
    }

    expect(await committedTopics(coordinator)).toEqual(['orders']);
    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId }] });
    scheduler.advance(HOUR - 1);
    expect(await committedTopics(coordinator)).toEqual(['orders']);
    scheduler.advance(10 * MINUTE);
    expect(await committedTopics(coordinator)).toEqual([]);
  });

  it('expires the offsets of topics a Stable consumer group no longer subscribes to', async () => {
    const { coordinator, scheduler } = startCoordinator({ offsetsRetentionMs: HOUR });
    const subscription = encodeSubscription({ topics: ['orders'] }, 1);
    const joined = await coordinator.joinGroup(
      joinRequest({ sessionTimeoutMs: 30 * MINUTE, protocols: [{ name: 'range', metadata: subscription }] }),
    );
    const memberId = joined.memberId;
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, assignments: [] });
    const member = { generationId: 1, memberId };
    await coordinator.commitOffsets(commit('orders', member));
    await coordinator.commitOffsets(commit('retired', member));

    for (let i = 0; i < 3; i++) {
      scheduler.advance(25 * MINUTE);
      await coordinator.heartbeat({ groupId: 'g', ...member });
    }

    expect(await committedTopics(coordinator)).toEqual(['orders']);
  });

  it('expires each offset of a group used only for offsets retention after its own commit', async () => {
    const { coordinator, scheduler, store } = startCoordinator({ offsetsRetentionMs: HOUR });
    await coordinator.commitOffsets(commit('early'));
    scheduler.advance(30 * MINUTE);
    await coordinator.commitOffsets(commit('late'));

    scheduler.advance(40 * MINUTE);
    expect(await committedTopics(coordinator)).toEqual(['late']);
    scheduler.advance(30 * MINUTE);

    expect(await committedTopics(coordinator)).toEqual([]);
    expect((await coordinator.listGroups()).groups).toEqual([]);
    // Generation 0: the group never had a group record, so it gets no group tombstone.
    expect(store.records.filter((r) => r.type === 'group-metadata')).toEqual([]);
  });

  it('expires a commit that carried its own retention time at its expire timestamp', async () => {
    const { coordinator, scheduler } = startCoordinator();
    await coordinator.commitOffsets(commit('orders', { retentionTimeMs: 60_000 }));

    const early = await coordinator.expireOffsets();
    scheduler.advance(60_000);
    const due = await coordinator.expireOffsets();

    expect(early).toEqual({ offsetsRemoved: 0, groupsRemoved: [] });
    expect(due).toEqual({ offsetsRemoved: 1, groupsRemoved: ['g'] });
  });

  it('never expires an offset whose new commit is still being written, nor removes its group', async () => {
    const held: (() => void)[] = [];
    let hold = false;
    const store: GroupStore = {
      append: (_groupId: string, _records: readonly GroupRecord[]) =>
        hold ? new Promise<void>((resolve) => held.push(resolve)) : Promise.resolve(),
    };
    const { coordinator, scheduler } = startCoordinator({ offsetsRetentionMs: HOUR }, { store });
    await coordinator.commitOffsets(commit('orders'));
    scheduler.advance(2 * HOUR);
    hold = true;
    const inFlight = coordinator.commitOffsets(commit('orders'));

    expect(await coordinator.expireOffsets()).toEqual({ offsetsRemoved: 0, groupsRemoved: [] });
    for (const release of held) release();
    expect((await inFlight).topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(await committedTopics(coordinator)).toEqual(['orders']);
  });
});
