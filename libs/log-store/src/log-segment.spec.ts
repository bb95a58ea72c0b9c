import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { patchBaseOffset, readBatchHeader } from '@runnel/protocol';
import { LogSegment, lastOffsetOf } from './log-segment.js';
import { batchOfSize } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

const CONFIG = { indexIntervalBytes: 300, segmentIndexBytes: 1 << 20, segmentMs: Number.POSITIVE_INFINITY };

describe('LogSegment', () => {
  let dir: { path: string; remove: () => void };
  let segment: LogSegment;
  const positions: number[] = [];

  beforeEach(async () => {
    dir = tempDir();
    segment = LogSegment.create(dir.path, 1000n, CONFIG, 0);
    positions.length = 0;
    let next = 1000n;
    for (let i = 0; i < 20; i++) {
      const batch = await batchOfSize(2, 50 + i * 5, `s${i}-`, BigInt(5000 + i));
      patchBaseOffset(batch, next);
      positions.push(segment.size);
      const header = readBatchHeader(batch);
      segment.append(batch, header, lastOffsetOf(header));
      next += 2n;
    }
  });

  afterEach(() => {
    segment.close();
    dir.remove();
  });

  it('indexesABatchEveryIndexIntervalBytes', () => {
    expect(segment.offsetIndex.entryCount).toBeGreaterThan(3);
    expect(segment.offsetIndex.entryCount).toBeLessThan(positions.length);
    expect(segment.nextOffset).toBe(1040n);
    expect(segment.maxTimestamp).toBe(5019n);
  });

  it('translateOffsetFindsTheBatchHoldingEveryOffset', () => {
    for (let offset = 1000n; offset < 1040n; offset++) {
      const found = segment.translateOffset(offset)!;
      expect(found.position).toBe(positions[Number((offset - 1000n) / 2n)]);
      expect(found.header.baseOffset).toBe(offset - (offset % 2n));
    }
    expect(segment.translateOffset(1040n)).toBeUndefined();
  });

  it('readReturnsWholeBatchesFromTheOneHoldingTheOffset', () => {
    const records = segment.read(1005n, positions[6]! - positions[2]! + 1)!;
    expect(readBatchHeader(records).baseOffset).toBe(1004n);
    expect(records.length).toBe(positions[6]! - positions[2]!);
    expect(segment.read(1039n, 0)!.length).toBe(segment.size - positions[19]!);
  });

  it('recoveryRebuildsTheIndexesAppendsBuilt', () => {
    segment.seal();
    const index = readFileSync(segment.offsetIndex.path);
    const timeIndex = readFileSync(segment.timeIndex.path);
    expect(segment.recover()).toBeUndefined();
    segment.seal();
    expect(readFileSync(segment.offsetIndex.path).equals(index)).toBe(true);
    expect(readFileSync(segment.timeIndex.path).equals(timeIndex)).toBe(true);
    expect([segment.nextOffset, segment.maxTimestamp]).toEqual([1040n, 5019n]);
  });

  it('sealAddsTheLargestTimestampAsTheLastTimeIndexEntry', () => {
    segment.seal();
    expect(segment.timeIndex.lastEntry()).toEqual({ timestamp: 5019n, offset: 1039n });
  });

  it('openReadsTheEndOfTheLogAfterTheLastIndexEntry', () => {
    segment.seal();
    const size = segment.size;
    segment.close();
    const { segment: reopened, problem } = LogSegment.open(dir.path, 1000n, CONFIG, 0);
    segment = reopened;
    expect(problem).toBeUndefined();
    expect([reopened.nextOffset, reopened.maxTimestamp, reopened.size]).toEqual([1040n, 5019n, size]);
    expect(reopened.log.path).toBe(join(dir.path, '00000000000000001000.log'));
  });
});
