import { join } from 'node:path';
import { PartitionLog } from './partition-log.js';
import { batchOf } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

describe('offset lookups', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;

  beforeEach(async () => {
    dir = tempDir();
    // Three records per batch at t = 1000 * batch + 10 * record; small segments and a tight index
    // interval, so lookups cross segment and index-entry edges.
    log = PartitionLog.open(join(dir.path, 'events-0'), { segmentBytes: 250, indexIntervalBytes: 100 });
    for (let b = 0; b < 12; b++) {
      const records = [0, 1, 2].map((r) => ({ value: `b${b}r${r}`, timestamp: BigInt(1000 * b + 10 * r) }));
      log.append(await batchOf(records));
    }
  });

  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  it('spansSeveralSegments', () => {
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(3);
  });

  it('findsTheFirstOffsetWhoseTimestampIsAtLeastTheTarget', async () => {
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 0n });
    expect(await log.offsetForTimestamp(5n)).toEqual({ offset: 1n, timestamp: 10n });
    expect(await log.offsetForTimestamp(4015n)).toEqual({ offset: 12n + 2n, timestamp: 4020n });
    expect(await log.offsetForTimestamp(4021n)).toEqual({ offset: 15n, timestamp: 5000n });
    expect(await log.offsetForTimestamp(11_020n)).toEqual({ offset: 35n, timestamp: 11_020n });
    expect(await log.offsetForTimestamp(11_021n)).toBeUndefined();
  });

  it('findsEveryTimestampExactlyAtSegmentEdges', async () => {
    for (const base of log.segmentBaseOffsets) {
      const batch = Number(base / 3n);
      expect(await log.offsetForTimestamp(BigInt(1000 * batch))).toEqual({
        offset: base,
        timestamp: BigInt(1000 * batch),
      });
      if (base > 0n) {
        const previous = BigInt(1000 * (batch - 1) + 20);
        expect(await log.offsetForTimestamp(previous)).toEqual({ offset: base - 1n, timestamp: previous });
        expect(await log.offsetForTimestamp(previous + 1n)).toEqual({
          offset: base,
          timestamp: BigInt(1000 * batch),
        });
      }
    }
  });

  it('neverAnswersBelowTheLogStartOffset', async () => {
    log.deleteRecordsBefore(7n);
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 7n, timestamp: 2010n });
    expect(log.earliestOffset()).toBe(7n);
    expect(log.latestOffset()).toBe(36n);
  });

  it('agreesWithAScanOfEveryRecord', async () => {
    for (let t = 0n; t <= 11_030n; t += 7n) {
      const b = t / 1000n;
      const r = ((t % 1000n) + 9n) / 10n;
      const expected =
        r <= 2n
          ? { offset: b * 3n + r, timestamp: b * 1000n + r * 10n }
          : { offset: b * 3n + 3n, timestamp: (b + 1n) * 1000n };
      expect(await log.offsetForTimestamp(t)).toEqual(expected.offset < 36n ? expected : undefined);
    }
  });
});
