import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import {
  encodeGroupRecord,
  OFFSETS_TOPIC,
  type OffsetCommitResult,
  offsetsTopicPartitionFor,
} from '@runnel/coordinator';
import { PartitionLog } from '@runnel/log-store';
import { ErrorCode, encodeRecordBatch } from '@runnel/protocol';
import { LeaderPartition } from '../replication/leader-partition.js';
import { ClusterGroupCoordinator, type OffsetsTopicLeadership } from './cluster-group-coordinator.js';

const PARTITIONS = 2;
const NODE_ID = 1;
const FOLLOWER = 2;
const silent: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A group id whose `__consumer_offsets` partition (of PARTITIONS) is `partition`. */
function groupOn(partition: number): string {
  for (let i = 0; ; i++)
    if (offsetsTopicPartitionFor(`group-${i}`, PARTITIONS) === partition) return `group-${i}`;
}

/**
 * The cluster as the coordination sees it, with real logs and LeaderPartitions: `lead` and
 * `resign` change what this broker leads, as ReplicaManager does after a metadata change.
 */
class Leadership implements OffsetsTopicLeadership {
  readonly leaders = new Map<number, LeaderPartition>();
  private readonly listeners = new Set<() => void>();
  count: number | undefined = PARTITIONS;

  constructor(readonly logs: readonly PartitionLog[]) {}

  partitionCount = () => this.count;
  leader = (partition: number) => this.leaders.get(partition);
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  coordinatorOf = () => Promise.resolve('not used here');

  /** This broker leads `partition` at `epoch`, broker FOLLOWER in its ISR too when `isr` says so. */
  lead(partition: number, epoch: number, isr: readonly number[] = [NODE_ID]): LeaderPartition {
    this.leaders.get(partition)?.resign();
    const leader = new LeaderPartition(
      OFFSETS_TOPIC,
      partition,
      this.logs[partition]!,
      epoch,
      NODE_ID,
      [NODE_ID, FOLLOWER],
      isr,
      Date.now(),
    );
    this.leaders.set(partition, leader);
    this.changed();
    return leader;
  }

  resign(partition: number): void {
    this.leaders.get(partition)?.resign();
    this.leaders.delete(partition);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

const joinRequest = (groupId: string) => ({
  groupId,
  memberId: '',
  clientId: 'client',
  clientHost: '/127.0.0.1',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('subscription') }],
});

const commit = (groupId: string, offset: bigint) => ({
  groupId,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' },
      ],
    },
  ],
});

const committedCode = (result: OffsetCommitResult) => result.topics[0]!.partitions[0]!.errorCode;

describe('ClusterGroupCoordinator', () => {
  let dir: string;
  let logs: PartitionLog[];
  let leadership: Leadership;
  let coordination: ClusterGroupCoordinator;
  const start = () =>
    new ClusterGroupCoordinator(
      leadership,
      {
        coordinator: { groupInitialRebalanceDelayMs: 3000 },
        store: { minInsyncReplicas: 1, commitTimeoutMs: 5000 },
      },
      silent,
    );
  const fetched = async (groupId: string) => {
    const result = await coordination.fetchOffsets({
      groupId,
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    });
    return { errorCode: result.errorCode, offset: result.topics[0]?.partitions[0]?.committedOffset };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runnel-cluster-groups-'));
    logs = Array.from({ length: PARTITIONS }, (_, p) =>
      PartitionLog.open(join(dir, `${OFFSETS_TOPIC}-${p}`)),
    );
    leadership = new Leadership(logs);
  });
  afterEach(async () => {
    coordination.shutdown();
    for (const leader of leadership.leaders.values()) leader.resign();
    await Promise.all(logs.map((log) => log.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers NOT_COORDINATOR for every group before __consumer_offsets exists and for partitions led elsewhere', async () => {
    leadership.count = undefined;
    coordination = start();
    expect((await coordination.joinGroup(joinRequest(groupOn(0)))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);

    leadership.count = PARTITIONS;
    leadership.lead(0, 0);
    await coordination.loaded();
    expect(coordination.ownedPartitions).toEqual([0]);
    expect((await fetched(groupOn(0))).errorCode).toBe(ErrorCode.NONE);
    expect((await fetched(groupOn(1))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(
      (await coordination.heartbeat({ groupId: groupOn(1), generationId: 1, memberId: 'm' })).errorCode,
    ).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while a partition it came to lead is replayed, then serves it', async () => {
    coordination = start();
    leadership.lead(0, 0);
    // Both asked before the replay's first await completes.
    const [whileLoading, listedWhileLoading] = await Promise.all([
      fetched(groupOn(0)),
      coordination.listGroups(),
    ]);
    expect(whileLoading.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(listedWhileLoading.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await coordination.loaded();
    expect(await fetched(groupOn(0))).toEqual({ errorCode: ErrorCode.NONE, offset: -1n });
    expect(await coordination.listGroups()).toEqual({ errorCode: ErrorCode.NONE, groups: [] });
  });

  it('answers a commit only once every in-sync replica has it (the high watermark passed it)', async () => {
    coordination = start();
    const leader = leadership.lead(0, 0, [NODE_ID, FOLLOWER]);
    await coordination.loaded();
    const group = groupOn(0);
    let answered = false;
    const committing = coordination.commitOffsets(commit(group, 42n)).then((result) => {
      answered = true;
      return result;
    });
    await new Promise<void>((resolve) => {
      const poll = () => (logs[0]!.logEndOffset > 0n ? resolve() : setImmediate(poll));
      poll();
    });
    await logs[0]!.flush();
    expect(answered).toBe(false);
    expect(logs[0]!.highWatermark).toBe(0n);

    leader.followerFetched(FOLLOWER, logs[0]!.logEndOffset, Date.now());

    expect(committedCode(await committing)).toBe(ErrorCode.NONE);
    expect(logs[0]!.highWatermark).toBe(logs[0]!.logEndOffset);
    expect(await fetched(group)).toEqual({ errorCode: ErrorCode.NONE, offset: 42n });
  });

  it('answers a commit NOT_COORDINATOR when leadership moves before the ISR has it, and does not show it', async () => {
    coordination = start();
    leadership.lead(0, 0, [NODE_ID, FOLLOWER]);
    await coordination.loaded();
    const group = groupOn(0);
    const committing = coordination.commitOffsets(commit(group, 7n));
    await new Promise<void>((resolve) => {
      const poll = () => (logs[0]!.logEndOffset > 0n ? resolve() : setImmediate(poll));
      poll();
    });
    leadership.resign(0);
    expect(committedCode(await committing)).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await fetched(group)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('unloads a partition it stops leading (waiting joins NOT_COORDINATOR) and replays it, up to its log end, when it leads again', async () => {
    coordination = start();
    leadership.lead(0, 0);
    await coordination.loaded();
    const group = groupOn(0);
    expect(committedCode(await coordination.commitOffsets(commit(group, 5n)))).toBe(ErrorCode.NONE);
    expect(committedCode(await coordination.commitOffsets(commit(group, 9n)))).toBe(ErrorCode.NONE);
    // The initial rebalance delay keeps this JoinGroup waiting.
    const waiting = coordination.joinGroup(joinRequest(group));

    leadership.resign(0);

    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await fetched(group)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(coordination.ownedPartitions).toEqual([]);

    // As a follower it gets a commit the next leader took, above its high watermark; leading
    // again at a later epoch it replays that too (the new leader keeps its log to its end).
    const log = logs[0]!;
    log.holdHighWatermark();
    const followed = encodeGroupRecord({
      type: 'offset-commit',
      groupId: group,
      topic: 'orders',
      partition: 0,
      value: {
        offset: 11n,
        leaderEpoch: -1,
        metadata: '',
        commitTimestamp: Date.now(),
        expireTimestamp: null,
      },
    });
    log.append(await encodeRecordBatch({ records: [{ ...followed, timestamp: Date.now() }] }));
    expect(log.highWatermark).toBeLessThan(log.logEndOffset);
    leadership.lead(0, 1, [NODE_ID, FOLLOWER]);
    await coordination.loaded();
    expect(await fetched(group)).toEqual({ errorCode: ErrorCode.NONE, offset: 11n });
  });

  it('keeps a partition loaded when its leader epoch changes but this broker still leads it', async () => {
    coordination = start();
    leadership.lead(0, 0);
    await coordination.loaded();
    const group = groupOn(0);
    expect(committedCode(await coordination.commitOffsets(commit(group, 3n)))).toBe(ErrorCode.NONE);
    leadership.lead(0, 1);
    expect(await fetched(group)).toEqual({ errorCode: ErrorCode.NONE, offset: 3n });
    expect(committedCode(await coordination.commitOffsets(commit(group, 4n)))).toBe(ErrorCode.NONE);
    expect(await fetched(group)).toEqual({ errorCode: ErrorCode.NONE, offset: 4n });
  });
});
