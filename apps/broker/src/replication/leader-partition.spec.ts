import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '@runnel/log-store';
import { encodeRecordBatch } from '@runnel/protocol';
import { LeaderPartition } from './leader-partition.js';

const LAG_MS = 1000;
const record = () => encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: 1 }] });

/** Broker 1 leads, brokers 2 and 3 follow; the clock is passed in, so lag is counted exactly. */
describe('LeaderPartition', () => {
  let dir: string;
  let log: PartitionLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runnel-leader-'));
    log = PartitionLog.open(join(dir, 't-0'));
  });
  afterEach(async () => {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Once etcd lists a follower in the ISR the controller may elect it: the leader may not commit
  // what it lacks from the moment it writes the addition (nemesis seed 77, 540 s).
  it('counts a follower it is adding to the ISR for the high watermark before etcd confirms it, and not after the write failed', async () => {
    const leader = new LeaderPartition('t', 0, log, 0, 1, [1, 2, 3], [1, 2], 0);
    for (let i = 0; i < 2; i++) log.append(await record());
    leader.followerFetched(2, 2n, 10);
    leader.followerFetched(3, 2n, 10);
    expect(log.highWatermark).toBe(2n);
    expect(leader.caughtUpFollowers(10, LAG_MS)).toEqual([3]);
    leader.expandingIsr([3]);
    expect(leader.caughtUpFollowers(10, LAG_MS)).toEqual([]);
    for (let i = 0; i < 2; i++) log.append(await record());
    leader.followerFetched(2, 4n, 20);
    expect(log.highWatermark).toBe(2n);
    leader.followerFetched(3, 3n, 20);
    expect(log.highWatermark).toBe(3n);
    // The write did not happen: broker 3 no longer holds the high watermark back.
    leader.isrExpansionFailed([3]);
    expect(log.highWatermark).toBe(4n);
    // Written and seen: broker 3 counts as in sync.
    log.append(await record());
    leader.expandingIsr([3]);
    leader.setIsr([1, 2, 3]);
    leader.followerFetched(2, 5n, 30);
    expect(log.highWatermark).toBe(4n);
    leader.resign();
  });

  it('moves the high watermark to the smallest log end of the ISR and completes acks=-1 waiters', async () => {
    const leader = new LeaderPartition('t', 0, log, 0, 1, [1, 2, 3], [1, 2, 3], 0);
    for (let i = 0; i < 3; i++) log.append(await record());
    expect(log.highWatermark).toBe(0n);
    const waiting = leader.awaitHighWatermark(3n, 10_000);
    leader.followerFetched(2, 3n, 10);
    expect(log.highWatermark).toBe(0n);
    leader.followerFetched(3, 2n, 10);
    expect(log.highWatermark).toBe(2n);
    // Out of the ISR, broker 3 no longer holds it back.
    leader.setIsr([1, 2]);
    expect(log.highWatermark).toBe(3n);
    await expect(waiting).resolves.toBe(true);
    leader.resign();
  });

  it('with the leader alone in sync, commits each append at once', async () => {
    const leader = new LeaderPartition('t', 0, log, 0, 1, [1, 2], [1], 0);
    log.append(await record());
    expect(log.highWatermark).toBe(1n);
    await expect(leader.awaitHighWatermark(1n, 10)).resolves.toBe(true);
    leader.resign();
  });

  it('names followers that have not caught up within the lag time, and those caught up again', async () => {
    const leader = new LeaderPartition('t', 0, log, 0, 1, [1, 2, 3], [1, 2, 3], 0);
    log.append(await record());
    leader.followerFetched(2, 1n, 500); // at the log end: caught up at 500
    leader.followerFetched(3, 0n, 500); // behind
    expect(leader.laggingFollowers(1400, LAG_MS)).toEqual([3]);
    expect(leader.laggingFollowers(1600, LAG_MS)).toEqual([2, 3]);
    leader.setIsr([1, 2]);
    // Broker 3 reaches the log end (and the high watermark): caught up, it may rejoin.
    leader.followerFetched(3, 1n, 1700);
    expect(leader.caughtUpFollowers(1700, LAG_MS)).toEqual([3]);
    leader.resign();
  });

  it('answers waiters false when it resigns or their time runs out', async () => {
    const leader = new LeaderPartition('t', 0, log, 0, 1, [1, 2], [1, 2], 0);
    log.append(await record());
    const timedOut = leader.awaitHighWatermark(1n, 5);
    const resigned = leader.awaitHighWatermark(1n, 10_000);
    await expect(timedOut).resolves.toBe(false);
    leader.resign();
    await expect(resigned).resolves.toBe(false);
    expect(leader.resigned).toBe(true);
    await expect(leader.awaitHighWatermark(1n, 10_000)).resolves.toBe(false);
  });
});
