import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BatchLayout, readBatchHeader } from '@runnel/protocol';
import {
  CorruptRecordError,
  InvalidRecordError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from './errors.js';
import { resolveLogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { batchOf, batchOfSize, readAll } from './test-support/batches.js';
import { ManualClock } from './test-support/manual-clock.js';
import { tempDir } from './test-support/temp-dir.js';

describe('PartitionLog', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await log?.close();
    dir.remove();
  });

  const open = (options: Parameters<typeof PartitionLog.open>[1] = {}) => {
    log = PartitionLog.open(join(dir.path, 'orders-0'), options);
    return log;
  };

  it('appendAssignsConsecutiveOffsetsByPatchingTheCallersBuffer', async () => {
    open();
    const first = await batchOf([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const second = await batchOf([{ value: 'd' }]);
    expect(log.append(first)).toEqual({ baseOffset: 0n, lastOffset: 2n, logEndOffset: 3n });
    expect(log.append(second)).toEqual({ baseOffset: 3n, lastOffset: 3n, logEndOffset: 4n });
    expect(second.readBigInt64BE(BatchLayout.BASE_OFFSET)).toBe(3n);
    expect(log.highWatermark).toBe(4n);
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([
      [0n, 'a'],
      [1n, 'b'],
      [2n, 'c'],
      [3n, 'd'],
    ]);
  });

  it('readReturnsStoredBytesUnchanged', async () => {
    open();
    const batch = await batchOf([{ key: 'k', value: 'v' }]);
    log.append(batch);
    expect(log.read(0n, 1 << 20).records.equals(batch)).toBe(true);
  });

  it('readStopsAtWholeBatchesWithinMaxBytes', async () => {
    open();
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = await batchOfSize(2, 100, `b${i}-`);
      sizes.push(batch.length);
      log.append(batch);
    }
    const { records } = log.read(0n, sizes[0]! + sizes[1]! + 10);
    expect(records.length).toBe(sizes[0]! + sizes[1]!);
    const fromMiddle = log.read(5n, 1 << 20).records;
    expect(readBatchHeader(fromMiddle).baseOffset).toBe(4n);
    expect(fromMiddle.length).toBe(sizes[2]! + sizes[3]! + sizes[4]!);
  });

  it('readReturnsAFirstBatchLargerThanMaxBytesSoConsumersProgress', async () => {
    open();
    const big = await batchOfSize(1, 5000);
    log.append(big);
    log.append(await batchOfSize(1, 10));
    const { records } = log.read(0n, 100);
    expect(records.length).toBe(big.length);
  });

  it('readAtLogEndIsEmptyAndOutsideTheLogIsOffsetOutOfRange', async () => {
    open();
    log.append(await batchOf([{ value: 'a' }]));
    expect(log.read(1n, 100)).toEqual({
      records: Buffer.alloc(0),
      highWatermark: 1n,
      logStartOffset: 0n,
      logEndOffset: 1n,
    });
    expect(() => log.read(2n, 100)).toThrow(OffsetOutOfRangeError);
    expect(() => log.read(-1n, 100)).toThrow(expect.objectContaining({ code: 1 }));
  });

  it('corruptBatchIsRefusedWithNothingAppended', async () => {
    open();
    const batch = await batchOf([{ value: 'a' }]);
    batch[batch.length - 1]! ^= 0xff;
    expect(() => log.append(batch)).toThrow(CorruptRecordError);
    expect(() => log.append(batch)).toThrow(/CORRUPT_MESSAGE \(2\).*CRC/);
    expect(() => log.append(batch.subarray(0, 30))).toThrow(InvalidRecordError);
    const two = Buffer.concat([await batchOf([{ value: 'a' }]), await batchOf([{ value: 'b' }])]);
    expect(() => log.append(two)).toThrow(/exactly one per partition/);
    expect(log.logEndOffset).toBe(0n);
    expect(log.size).toBe(0);
  });

  it('validatedBatchIsAppendedWithItsHeaderReadOnce', async () => {
    open();
    const batch = await batchOf([{ value: 'a' }, { value: 'b' }]);
    const validated = log.validate(batch);
    expect(validated).toMatchObject({
      bytes: batch,
      sizeInBytes: batch.length,
      recordCount: 2,
      lastOffsetDelta: 1,
    });
    expect(log.append(validated)).toEqual({ baseOffset: 0n, lastOffset: 1n, logEndOffset: 2n });
    expect((await readAll(log)).map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('clientBatchesMeetTheProducerRules', async () => {
    open();
    // Appended once, the batch carries its offset; a producer never sends one.
    const appended = await batchOf([{ value: 'a' }]);
    log.append(appended);
    log.append(appended);
    expect(() => log.validate(appended)).toThrow(/baseOffset of the record batch should be 0, but it is 1/);
    expect(() => log.validate(appended, { origin: 'coordinator' })).not.toThrow();
    expect(log.logEndOffset).toBe(2n);
  });

  it('batchOverMaxMessageBytesIsRefusedNamingTheLimit', async () => {
    open({ maxMessageBytes: 200 });
    const batch = await batchOfSize(1, 300);
    expect(() => log.append(batch)).toThrow(RecordTooLargeError);
    expect(() => log.append(batch)).toThrow(
      `batch of ${batch.length} bytes is larger than max.message.bytes (200)`,
    );
    expect(log.logEndOffset).toBe(0n);
  });

  it('rollsAtSegmentBytesAndReadsAcrossSegments', async () => {
    open({ segmentBytes: 1000 });
    for (let i = 0; i < 20; i++) log.append(await batchOfSize(1, 100, `r${i}-`));
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(3);
    const names = readdirSync(log.dir).filter((n) => n.endsWith('.log'));
    expect(names).toEqual(log.segmentBaseOffsets.map((o) => `${o.toString().padStart(20, '0')}.log`));
    expect(readdirSync(log.dir).filter((n) => n.endsWith('.index')).length).toBe(names.length);
    const records = await readAll(log);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    expect(records[19]!.value).toMatch(/^r19-0/);
  });

  it('reconfigureAppliesNewLimitsFromTheNextAppend', async () => {
    open();
    log.append(await batchOfSize(1, 100, 'a-'));
    expect(log.segmentBaseOffsets).toEqual([0n]);
    log.reconfigure(resolveLogConfig({ segmentBytes: 200, maxMessageBytes: 500 }));
    log.append(await batchOfSize(1, 100, 'b-'));
    log.append(await batchOfSize(1, 100, 'c-'));
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(1);
    const tooLarge = await batchOfSize(1, 600, 'd-');
    expect(() => log.append(tooLarge)).toThrow(RecordTooLargeError);
    expect(log.logEndOffset).toBe(3n);
  });

  it('rollsWhenBatchesSpanSegmentMs', async () => {
    const clock = new ManualClock();
    open({ segmentMs: 1000, clock });
    log.append(await batchOf([{ value: 'a' }], { timestamp: 10_000n }));
    log.append(await batchOf([{ value: 'b' }], { timestamp: 10_999n }));
    expect(log.segmentBaseOffsets).toEqual([0n]);
    log.append(await batchOf([{ value: 'c' }], { timestamp: 11_000n }));
    expect(log.segmentBaseOffsets).toEqual([0n, 2n]);
  });

  it('rollsBySegmentMsOnTheClockWhenBatchesCarryNoTimestamps', async () => {
    const clock = new ManualClock();
    open({ segmentMs: 1000, clock });
    log.append(await batchOf([{ value: 'a' }], { timestamp: -1n }));
    clock.advance(999);
    log.append(await batchOf([{ value: 'b' }], { timestamp: -1n }));
    expect(log.segmentBaseOffsets).toEqual([0n]);
    clock.advance(1);
    log.append(await batchOf([{ value: 'c' }], { timestamp: -1n }));
    expect(log.segmentBaseOffsets).toEqual([0n, 2n]);
  });

  it('earliestAndLatestOffsetsFollowTheLog', async () => {
    open();
    expect([log.earliestOffset(), log.latestOffset()]).toEqual([0n, 0n]);
    log.append(await batchOf([{ value: 'a' }, { value: 'b' }]));
    expect([log.earliestOffset(), log.latestOffset()]).toEqual([0n, 2n]);
  });

  it('batchHeadersListTheBatchesFromAnOffsetForProducerState', async () => {
    open({ segmentBytes: 300 });
    for (let i = 0; i < 6; i++) log.append(await batchOfSize(2, 40));
    expect([...log.batchHeaders()].map((h) => h.baseOffset)).toEqual([0n, 2n, 4n, 6n, 8n, 10n]);
    expect([...log.batchHeaders(5n)].map((h) => h.baseOffset)).toEqual([4n, 6n, 8n, 10n]);
    expect([...log.batchHeaders(5n)][0]).toMatchObject({ producerId: -1n, recordCount: 2 });
  });

  it('reopensAfterCleanShutdownWithoutRecovery', async () => {
    open({ segmentBytes: 500 });
    for (let i = 0; i < 10; i++) log.append(await batchOfSize(1, 100));
    const segments = log.segmentBaseOffsets;
    await log.close();
    open({ segmentBytes: 500 });
    expect(log.recovery.hadCleanShutdown).toBe(true);
    expect(log.recovery.lines).toEqual([]);
    expect(log.segmentBaseOffsets).toEqual(segments);
    expect([log.logEndOffset, log.recoveryPoint]).toEqual([10n, 10n]);
    log.append(await batchOf([{ value: 'after' }]));
    expect((await readAll(log)).at(-1)).toMatchObject({ offset: 10n, value: 'after' });
  });

  it('closedLogRefusesCalls', async () => {
    open();
    await log.close();
    expect(() => log.read(0n, 10)).toThrow(/closed/);
  });
});
