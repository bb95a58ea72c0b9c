import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './test-support/temp-dir.js';
import { TimeIndex } from './time-index.js';

describe('TimeIndex', () => {
  let dir: { path: string; remove: () => void };
  let path: string;

  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, '00000000000000000100.timeindex');
  });

  afterEach(() => dir.remove());

  it('keepsOnlyEntriesWithALargerTimestamp', () => {
    const index = TimeIndex.create(path, 100n, 1024);
    index.maybeAppend(1000n, 102n);
    index.maybeAppend(1000n, 105n);
    index.maybeAppend(900n, 106n);
    index.maybeAppend(2000n, 106n);
    expect(index.entryCount).toBe(2);
    expect(index.lastEntry()).toEqual({ timestamp: 2000n, offset: 106n });
    expect(() => index.maybeAppend(3000n, 104n)).toThrow(/goes back from offset 106/);
  });

  it('truncateToDropsTheEntriesAtOrPastTheNewLogEndInMemoryAndInTheFile', () => {
    const index = TimeIndex.create(path, 100n, 1024);
    index.maybeAppend(1000n, 102n);
    index.maybeAppend(2000n, 106n);
    index.maybeAppend(3000n, 109n);
    index.writeOut();
    index.truncateTo(106n);
    expect(index.lastEntry()).toEqual({ timestamp: 1000n, offset: 102n });
    expect(readFileSync(path).length).toBe(12);
    // The dropped timestamps no longer hold new entries back.
    index.maybeAppend(1500n, 106n);
    index.writeOut();
    expect(TimeIndex.open(path, 100n, 1024)?.lastEntry()).toEqual({ timestamp: 1500n, offset: 106n });
    index.truncateTo(100n);
    expect(index.entryCount).toBe(0);
    expect(readFileSync(path).length).toBe(0);
    index.release();
  });

  it('offsetBeforeIsTheLastEntryStrictlyBelowTheTimestamp', () => {
    const index = TimeIndex.create(path, 100n, 1024);
    index.maybeAppend(1000n, 102n);
    index.maybeAppend(2000n, 106n);
    expect(index.offsetBefore(1000n)).toBeUndefined();
    expect(index.offsetBefore(1001n)).toBe(102n);
    expect(index.offsetBefore(2000n)).toBe(102n);
    expect(index.offsetBefore(99_999n)).toBe(106n);
  });

  it('writeOutStoresTwelveByteEntriesAndReopens', () => {
    const index = TimeIndex.create(path, 100n, 1024);
    index.maybeAppend(1000n, 102n);
    index.writeOut();
    index.release();
    expect(readFileSync(path).toString('hex')).toBe('00000000000003e800000002');
    const reopened = TimeIndex.open(path, 100n, 1024)!;
    expect(reopened.lastEntry()).toEqual({ timestamp: 1000n, offset: 102n });
    expect(reopened.sanityCheck()).toBeUndefined();
  });

  it('sanityCheckFindsPartialAndOutOfOrderEntries', () => {
    writeFileSync(path, Buffer.from('00000000000003e800000002ffff', 'hex'));
    expect(TimeIndex.open(path, 100n, 1024)!.sanityCheck()).toMatch(/partial entry of 2 bytes/);
    writeFileSync(path, Buffer.from('00000000000003e80000000200000000000003e000000003', 'hex'));
    expect(TimeIndex.open(path, 100n, 1024)!.sanityCheck()).toMatch(/entry 1 .* does not follow/);
  });

  it('keepsASlotFreeForTheEntryAddedAtSeal', () => {
    const index = TimeIndex.create(path, 0n, 36);
    index.maybeAppend(1n, 1n);
    expect(index.isFull).toBe(false);
    index.maybeAppend(2n, 2n);
    expect(index.isFull).toBe(true);
  });
});
