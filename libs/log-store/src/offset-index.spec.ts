import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OffsetIndex } from './offset-index.js';
import { tempDir } from './test-support/temp-dir.js';

describe('OffsetIndex', () => {
  let dir: { path: string; remove: () => void };
  let path: string;

  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, '00000000000000000100.index');
  });

  afterEach(() => dir.remove());

  const filled = () => {
    const index = OffsetIndex.create(path, 100n, 1024);
    index.append(104n, 500);
    index.append(110n, 1200);
    index.append(111n, 1300);
    return index;
  };

  it('truncateToDropsTheEntriesOfBatchesEndingAtOrPastTheNewLogEnd', () => {
    const index = filled();
    index.writeOut();
    // The batch ending at 110 goes (the log now ends at 106, inside it or before it).
    index.truncateTo(106n);
    expect(index.entryCount).toBe(1);
    expect(index.lastEntry()).toEqual({ offset: 104n, position: 500 });
    expect(index.lookup(200n)).toEqual({ offset: 104n, position: 500 });
    expect(readFileSync(path).length).toBe(8);
    // Entries added after the cut follow the one kept, and the file is as it would be written anew.
    index.append(107n, 800);
    index.writeOut();
    expect(OffsetIndex.open(path, 100n, 1024)?.sanityCheck(900)).toBeUndefined();
    expect(readFileSync(path).length).toBe(16);
    index.truncateTo(105n);
    expect(index.lastEntry()).toEqual({ offset: 104n, position: 500 });
    index.truncateTo(104n);
    expect(index.entryCount).toBe(0);
    expect(readFileSync(path).length).toBe(0);
    index.release();
  });

  it('lookupFindsTheLastEntryAtOrBelowTheTarget', () => {
    const index = filled();
    expect(index.lookup(99n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(103n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(104n)).toEqual({ offset: 104n, position: 500 });
    expect(index.lookup(109n)).toEqual({ offset: 104n, position: 500 });
    expect(index.lookup(111n)).toEqual({ offset: 111n, position: 1300 });
    expect(index.lookup(1_000_000n)).toEqual({ offset: 111n, position: 1300 });
    index.release();
  });

  it('entriesMustIncreaseInOffsetAndPosition', () => {
    const index = filled();
    expect(() => index.append(111n, 1400)).toThrow(/does not follow/);
    expect(() => index.append(112n, 1300)).toThrow(/does not follow/);
    expect(() => index.append(100n + 2n ** 31n, 9999)).toThrow(/not within int32/);
  });

  it('writeOutStoresEightByteBigEndianEntriesRelativeToTheBaseOffset', () => {
    const index = filled();
    index.writeOut();
    expect(readFileSync(path).toString('hex')).toBe(
      ['00000004000001f4', '0000000a000004b0', '0000000b00000514'].join(''),
    );
    index.append(120n, 2000);
    index.writeOut();
    index.release();
    const reopened = OffsetIndex.open(path, 100n, 1024)!;
    expect(reopened.entryCount).toBe(4);
    expect(reopened.lookup(125n)).toEqual({ offset: 120n, position: 2000 });
    expect(reopened.sanityCheck(2001)).toBeUndefined();
  });

  it('sanityCheckFindsPartialEntriesAndPositionsPastTheLog', () => {
    const index = filled();
    index.writeOut();
    index.release();
    expect(OffsetIndex.open(path, 100n, 1024)!.sanityCheck(1300)).toMatch(
      /entry 2 .* outside the log of 1300 bytes/,
    );
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([1, 2])]));
    expect(OffsetIndex.open(path, 100n, 1024)!.sanityCheck(5000)).toMatch(/partial entry of 2 bytes/);
    writeFileSync(path, Buffer.from('0000000a000004b000000004000001f4', 'hex'));
    expect(OffsetIndex.open(path, 100n, 1024)!.sanityCheck(5000)).toMatch(/does not increase/);
    expect(OffsetIndex.open(join(dir.path, 'missing.index'), 100n, 1024)).toBeUndefined();
  });

  it('isFullAtSegmentIndexBytes', () => {
    const index = OffsetIndex.create(path, 0n, 20);
    index.append(1n, 10);
    expect(index.isFull).toBe(false);
    index.append(2n, 20);
    expect(index.isFull).toBe(true);
  });
});
