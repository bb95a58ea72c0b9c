import { join } from 'node:path';
import { retentionDecision, type SegmentSummary } from './log-retention.js';
import { PartitionLog } from './partition-log.js';
import { batchOfSize, readAll } from './test-support/batches.js';
import { crashImage } from './test-support/crash.js';
import { ManualClock } from './test-support/manual-clock.js';
import { tempDir } from './test-support/temp-dir.js';

const segment = (baseOffset: bigint, size: number, maxTimestamp: bigint): SegmentSummary => ({
  baseOffset,
  size,
  maxTimestamp,
});
const rules = {
  logStartOffset: 0n,
  nowMs: 10_000,
  retentionMs: -1,
  retentionBytes: -1,
  deleteByRetention: true,
};

describe('retentionDecision', () => {
  const segments = [
    segment(0n, 100, 1000n),
    segment(10n, 100, 2000n),
    segment(20n, 100, 3000n),
    segment(30n, 50, 9000n),
  ];

  it('deletesSegmentsWhoseNewestRecordIsOlderThanRetentionMs', () => {
    expect(retentionDecision({ ...rules, segments, retentionMs: 8000 }).count).toBe(1);
    expect(retentionDecision({ ...rules, segments, retentionMs: 7001 }).count).toBe(2);
    expect(retentionDecision({ ...rules, segments, retentionMs: 7000 }).count).toBe(2);
    expect(retentionDecision({ ...rules, segments, retentionMs: 0 }).count).toBe(4);
  });

  it('stopsAtTheFirstSegmentNotExpired', () => {
    const mixed = [
      segment(0n, 1, 1000n),
      segment(1n, 1, 9999n),
      segment(2n, 1, 1000n),
      segment(3n, 1, 9999n),
    ];
    expect(retentionDecision({ ...rules, segments: mixed, retentionMs: 5000 }).count).toBe(1);
  });

  it('deletesOldestSegmentsWhileTheRestIsAtLeastRetentionBytes', () => {
    expect(retentionDecision({ ...rules, segments, retentionBytes: 350 }).count).toBe(0);
    expect(retentionDecision({ ...rules, segments, retentionBytes: 250 }).count).toBe(1);
    expect(retentionDecision({ ...rules, segments, retentionBytes: 150 }).count).toBe(2);
    expect(retentionDecision({ ...rules, segments, retentionBytes: 0 }).count).toBe(4);
  });

  it('deletesSegmentsEntirelyBelowTheLogStartOffsetEvenWhenCompacting', () => {
    expect(
      retentionDecision({ ...rules, segments, logStartOffset: 20n, deleteByRetention: false }).count,
    ).toBe(2);
    expect(
      retentionDecision({ ...rules, segments, logStartOffset: 19n, deleteByRetention: false }).count,
    ).toBe(1);
    expect(
      retentionDecision({ ...rules, segments, logStartOffset: 99n, deleteByRetention: false }).count,
    ).toBe(3);
  });

  it('neverDeletesAnEmptyActiveSegmentOrOneWithoutTimestampsByTime', () => {
    const withEmptyActive = [segment(0n, 100, 1000n), segment(10n, 0, -1n)];
    expect(
      retentionDecision({ ...rules, segments: withEmptyActive, retentionMs: 0, retentionBytes: 0 }).count,
    ).toBe(1);
    expect(retentionDecision({ ...rules, segments: [segment(0n, 100, -1n)], retentionMs: 0 }).count).toBe(0);
  });

  it('emptyClosedSegmentsLeftByCompactionDoNotHoldBackTimeRetention', () => {
    const compacted = [segment(0n, 0, -1n), segment(5n, 100, 1000n), segment(9n, 100, 9999n)];
    expect(retentionDecision({ ...rules, segments: compacted, retentionMs: 5000 }).count).toBe(2);
  });

  it('compactOnlyIgnoresTimeAndSize', () => {
    expect(
      retentionDecision({ ...rules, segments, retentionMs: 0, retentionBytes: 0, deleteByRetention: false })
        .count,
    ).toBe(0);
  });
});

describe('PartitionLog retention', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;
  const clock = new ManualClock(1_000_000);

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  /** 12 batches of one ~100-byte record, timestamps 1000 ms apart, in segments of 3 batches. */
  const fill = async (options: Parameters<typeof PartitionLog.open>[1]) => {
    log = PartitionLog.open(join(dir.path, 'metrics-0'), { segmentBytes: 3 * 170, clock, ...options });
    for (let i = 0; i < 12; i++) log.append(await batchOfSize(1, 100, `m${i}-`, BigInt(i * 1000)));
    expect(log.segmentBaseOffsets).toEqual([0n, 3n, 6n, 9n]);
  };

  it('retentionMsDeletesWholeOldSegmentsAndAdvancesTheLogStartOffset', async () => {
    await fill({ retentionMs: 5000 });
    clock.set(10_500);
    expect(log.deleteOldSegments()).toBe(2);
    expect(log.segmentBaseOffsets).toEqual([6n, 9n]);
    expect(log.logStartOffset).toBe(6n);
    expect((await readAll(log)).map((r) => r.offset)).toEqual([6n, 7n, 8n, 9n, 10n, 11n]);
    expect(() => log.read(5n, 100)).toThrow(expect.objectContaining({ code: 1 }));
  });

  it('retentionOfTheWholeLogRollsFirstSoTheEndOffsetStays', async () => {
    await fill({ retentionMs: 1000 });
    clock.set(100_000);
    expect(log.deleteOldSegments()).toBe(4);
    expect(log.segmentBaseOffsets).toEqual([12n]);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([12n, 12n]);
    expect(log.append(await batchOfSize(1, 10)).baseOffset).toBe(12n);
  });

  it('retentionBytesKeepsTheNewestSegmentsWithinTheLimit', async () => {
    await fill({ retentionBytes: 2 * 3 * 170 });
    expect(log.deleteOldSegments()).toBe(2);
    expect(log.logStartOffset).toBe(6n);
  });

  it('deleteRecordsBeforeAdvancesTheLogStartOffsetWhichSurvivesACrash', async () => {
    await fill({});
    expect(log.deleteRecordsBefore(4n)).toBe(4n);
    expect(log.segmentBaseOffsets).toEqual([3n, 6n, 9n]);
    expect(log.read(4n, 1).records.readBigInt64BE(0)).toBe(4n);
    expect(() => log.read(3n, 1)).toThrow(expect.objectContaining({ code: 1 }));
    expect(() => log.deleteRecordsBefore(13n)).toThrow(expect.objectContaining({ code: 1 }));
    // The crash comes after the appends were acknowledged (written).
    await log.whenWritten();
    const recovered = PartitionLog.open(crashImage(log, join(dir.path, 'image')), {
      segmentBytes: 3 * 170,
      clock,
    });
    expect(recovered.logStartOffset).toBe(4n);
    expect((await readAll(recovered)).map((r) => r.offset)).toEqual([4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n]);
    await recovered.close();
  });

  it('retentionLeavesNothingBehindOnDisk', async () => {
    await fill({ retentionMs: 5000 });
    clock.set(10_500);
    log.deleteOldSegments();
    await log.close();
    log = PartitionLog.open(log.dir, { segmentBytes: 3 * 170, clock });
    expect(log.segmentBaseOffsets).toEqual([6n, 9n]);
    expect(log.logStartOffset).toBe(6n);
  });
});
