import { join } from 'node:path';
import type { AppendWatcher } from './append-waiters.js';
import { PartitionLog } from './partition-log.js';
import { batchOfSize } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

describe('PartitionLog append watchers', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;

  beforeEach(() => {
    dir = tempDir();
    log = PartitionLog.open(join(dir.path, 'orders-0'), { segmentBytes: 4000 });
  });

  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  /** A watcher that records what it was told. */
  function recorder(): AppendWatcher & { appends: number; failures: Error[] } {
    return {
      appends: 0,
      failures: [],
      appended() {
        this.appends++;
      },
      failed(error) {
        this.failures.push(error);
      },
    };
  }

  it('bytesAppendedSinceCountsTheBytesOfEveryAppendAfterThePosition', async () => {
    log.append(await batchOfSize(3, 50));
    const position = log.endPosition();
    expect(log.bytesAppendedSince(position)).toBe(0);
    const first = await batchOfSize(2, 100);
    const second = await batchOfSize(1, 30);
    log.append(first);
    expect(log.bytesAppendedSince(position)).toBe(first.length);
    log.append(second);
    expect(log.bytesAppendedSince(position)).toBe(first.length + second.length);
  });

  it('bytesAppendedSinceIsInfiniteOnceTheLogRolledToAnotherSegment', async () => {
    const position = log.endPosition();
    while (log.segmentBaseOffsets.length === 1) log.append(await batchOfSize(5, 100));
    expect(log.bytesAppendedSince(position)).toBe(Number.POSITIVE_INFINITY);
  });

  it('aWatcherIsToldOfEachAppendUntilItUnwatches', async () => {
    const watcher = recorder();
    log.watchAppends(watcher);
    log.append(await batchOfSize(1, 10));
    log.append(await batchOfSize(1, 10));
    expect(watcher.appends).toBe(2);
    log.unwatchAppends(watcher);
    log.append(await batchOfSize(1, 10));
    expect(watcher.appends).toBe(2);
  });

  it('aWatcherMayUnwatchItselfWhenToldWithoutOthersMissingTheAppend', async () => {
    const others = [recorder(), recorder()];
    const leaving: AppendWatcher = {
      appended: () => log.unwatchAppends(leaving),
      failed: () => undefined,
    };
    log.watchAppends(others[0]!);
    log.watchAppends(leaving);
    log.watchAppends(others[1]!);
    log.append(await batchOfSize(1, 10));
    expect(others.map((w) => w.appends)).toEqual([1, 1]);
  });

  it('closingTheLogFailsEveryWatcherOnceAndDropsIt', async () => {
    const watcher = recorder();
    log.watchAppends(watcher);
    await log.close();
    expect(watcher.failures).toHaveLength(1);
    expect(watcher.failures[0]!.message).toMatch(/closed/);
    expect(() => log.watchAppends(recorder())).toThrow(/closed/);
  });
});
