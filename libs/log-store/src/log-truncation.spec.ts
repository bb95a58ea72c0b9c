import { cpSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionType, encodeRecordBatch, readBatchHeader } from '@runnel/protocol';
import { LogCheckpoint } from './log-checkpoint.js';
import { PartitionLog } from './partition-log.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { readAll } from './test-support/batches.js';
import { batchesOnDisk, crashImage } from './test-support/crash.js';
import { tempDir } from './test-support/temp-dir.js';

/** About 220 bytes: three batches fill a segment of SEGMENT_BYTES. */
const SEGMENT_BYTES = 700;
const BATCHES = 20;
/** Batches from this one on are written at leader epoch 2, the ones before at 1. */
const EPOCH_2_FROM = 12;

/** Batch `sequence` of idempotent producer 7: one record whose value is `v<sequence>`. */
function batch(sequence: number): Promise<Buffer> {
  return encodeRecordBatch({
    compression: CompressionType.None,
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: sequence,
    records: [
      {
        key: null,
        value: Buffer.from(`v${sequence}`.padEnd(150, '.')),
        timestamp: 1_700_000_000_000n + BigInt(sequence),
      },
    ],
  });
}

function json(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
}

/**
 * The producer state of `log` is that of its batches: what a scan of them builds, exactly when the
 * log still starts at 0, else as the newest batches of each producer (the state also remembers
 * batches retention deleted); and nothing in it is past the log end.
 */
function expectProducerStateOfBatches(log: PartitionLog): void {
  const scanned = new ProducerStateManager(log.dir);
  for (const header of log.batchHeaders()) scanned.update(header, header.baseOffset);
  const state = new Map(log.producerState.entries());
  for (const entry of state.values()) {
    for (const b of entry.batches) expect(b.lastOffset).toBeLessThan(log.logEndOffset);
  }
  if (log.segmentBaseOffsets[0] === 0n) {
    expect(json([...state])).toBe(json([...scanned.entries()]));
    return;
  }
  for (const [producerId, entry] of scanned.entries()) {
    expect(json(state.get(producerId)?.batches.slice(-entry.batches.length))).toBe(json(entry.batches));
  }
}

/** Where each leader epoch starts, read from the batches themselves. */
function epochsOfBatches(log: PartitionLog): { epoch: number; startOffset: bigint }[] {
  const out: { epoch: number; startOffset: bigint }[] = [];
  for (const header of log.batchHeaders()) {
    if (out.at(-1)?.epoch !== header.partitionLeaderEpoch) {
      out.push({ epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset });
    }
  }
  return out;
}

/**
 * The leader epochs `log` keeps are those of its batches: each batch's epoch is the latest entry
 * starting at or before it, and each entry past the log start starts at a batch of its epoch. (An
 * entry may start below the log start: retention leaves the epoch its first batches had.)
 */
function expectEpochsOfBatches(log: PartitionLog): void {
  const entries = log.leaderEpochs.all;
  const starts = new Map(epochsOfBatches(log).map((e) => [e.startOffset, e.epoch]));
  for (const header of log.batchHeaders()) {
    expect(entries.filter((e) => e.startOffset <= header.baseOffset).at(-1)?.epoch).toBe(
      header.partitionLeaderEpoch,
    );
  }
  for (const entry of entries) {
    expect(entry.startOffset).toBeLessThan(log.logEndOffset);
    if (entry.startOffset > log.logStartOffset) expect(starts.get(entry.startOffset)).toBe(entry.epoch);
  }
}

/**
 * What every reopened log must be: records from its start to its end with contiguous offsets and
 * the values the log was written with, leader epochs and producer state that match its batches,
 * and no file of the truncation left over.
 */
async function expectConsistent(log: PartitionLog): Promise<void> {
  const records = await readAll(log);
  expect(records.map((r) => r.offset)).toEqual(
    Array.from(
      { length: Number(log.logEndOffset - log.logStartOffset) },
      (_, i) => log.logStartOffset + BigInt(i),
    ),
  );
  expect(records.map((r) => r.value?.slice(0, 4).replace(/\.+$/, ''))).toEqual(
    records.map((r) => `v${r.offset}`),
  );
  expectEpochsOfBatches(log);
  expectProducerStateOfBatches(log);
  expect(readdirSync(log.dir).filter((name) => name.endsWith('.deleted'))).toEqual([]);
  for (const offset of ProducerStateSnapshot.offsets(log.dir))
    expect(offset).toBeLessThanOrEqual(log.logEndOffset);
}

describe('PartitionLog.truncateTo across segments', () => {
  let dir: ReturnType<typeof tempDir>;
  const open: PartitionLog[] = [];
  const openLog = (path: string) => {
    const log = PartitionLog.open(path, { segmentBytes: SEGMENT_BYTES, indexIntervalBytes: 1 });
    open.push(log);
    return log;
  };
  const close = async (log: PartitionLog) => {
    open.splice(open.indexOf(log), 1);
    await log.close();
  };

  /** A log of BATCHES one-record batches, offsets 0..19, in segments of three, epochs 1 then 2. */
  async function writtenLog(name = 't-0'): Promise<PartitionLog> {
    const log = openLog(join(dir.path, name));
    for (let sequence = 0; sequence < BATCHES; sequence++) {
      log.append(await batch(sequence), sequence < EPOCH_2_FROM ? 1 : 2);
    }
    await log.flush();
    return log;
  }

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((log) => log.close()));
    dir.remove();
  });

  it('deletesTheSegmentsAboveTheCutAndMakesTheOneHoldingItActive', async () => {
    const log = await writtenLog();
    expect(log.segmentBaseOffsets).toEqual([0n, 3n, 6n, 9n, 12n, 15n, 18n]);
    expect(log.recoveryPoint).toBe(20n);

    expect(log.truncateTo(4n)).toBe(4n);
    expect(log.segmentBaseOffsets).toEqual([0n, 3n]);
    expect(log.logEndOffset).toBe(4n);
    expect(log.highWatermark).toBe(4n);
    // Nothing past the cut counts as durable, in memory and in the checkpoint.
    expect(log.recoveryPoint).toBe(4n);
    expect(LogCheckpoint.read(log.dir)?.recoveryPoint).toBe(4n);
    expect(readdirSync(log.dir).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      '00000000000000000003.index',
      '00000000000000000003.log',
      '00000000000000000003.snapshot',
      '00000000000000000003.timeindex',
      'leader-epoch-checkpoint',
      'log-checkpoint',
    ]);
    expect(readFileSync(join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n1 0\n');
    await expectConsistent(log);
    // The truncated segment's indexes hold nothing past its one remaining batch.
    expect(readFileSync(join(log.dir, '00000000000000000003.index')).length).toBe(0);
    expect(readFileSync(join(log.dir, '00000000000000000003.timeindex')).length).toBe(0);

    // Sequence 4 was cut: it is the next one expected again, and sequence 3 is a retry.
    expect(log.producerState.check(log.validate(await batch(4)))).toBeUndefined();
    expect(log.producerState.check(log.validate(await batch(3)))?.firstOffset).toBe(3n);
    // Appends go on in the segment holding the cut, and roll out of it again.
    for (let sequence = 4; sequence < 10; sequence++) log.append(await batch(sequence), 3);
    expect(log.segmentBaseOffsets).toEqual([0n, 3n, 6n, 9n]);
    expect(log.leaderEpochs.all).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 3, startOffset: 4n },
    ]);
    await expectConsistent(log);
    expect((await log.offsetForTimestamp(1_700_000_000_005n))?.offset).toBe(5n);

    await close(log);
    const reopened = openLog(log.dir);
    expect(reopened.recovery.segmentsRecovered).toBe(0);
    expect(reopened.recovery.lines).toEqual([]);
    expect(reopened.logEndOffset).toBe(10n);
    await expectConsistent(reopened);
  });

  it('keepsTheIndexEntriesBelowTheCutAndAgreesWithIndexesRebuiltFromTheLog', async () => {
    // One segment of 60 batches, an index entry at nearly every batch.
    const log = PartitionLog.open(join(dir.path, 'big-0'), { segmentBytes: 1 << 20, indexIntervalBytes: 1 });
    open.push(log);
    for (let sequence = 0; sequence < 60; sequence++) log.append(await batch(sequence), 1);
    log.append(await batch(60), 1);
    await log.flush();
    const index = join(log.dir, '00000000000000000000.index');
    const entriesBefore = readFileSync(index).length / 8;
    expect(log.truncateTo(37n)).toBe(37n);
    // Entries of the batches 1..36 (the first batch has none) stay, in the file too.
    expect(readFileSync(index).length / 8).toBe(36);
    expect(entriesBefore).toBeGreaterThan(36);
    for (let sequence = 37; sequence < 45; sequence++) log.append(await batch(sequence), 2);
    await log.flush();
    await expectConsistent(log);

    const asIs = openLog(crashImage(log, join(dir.path, 'as-is')));
    const rebuiltDir = crashImage(log, join(dir.path, 'rebuilt'));
    for (const name of readdirSync(rebuiltDir)) {
      if (name.endsWith('.index') || name.endsWith('.timeindex')) rmSync(join(rebuiltDir, name));
    }
    const rebuilt = openLog(rebuiltDir);
    expect(asIs.recovery.lines.filter((line) => line.includes('needs recovery'))).toEqual([]);
    for (const reopened of [log, asIs, rebuilt]) {
      for (let offset = 0n; offset < 45n; offset++) {
        expect(readBatchHeader(reopened.read(offset, 1).records).baseOffset).toBe(offset);
        expect((await reopened.offsetForTimestamp(1_700_000_000_000n + offset))?.offset).toBe(offset);
      }
      expect(await reopened.offsetForTimestamp(1_700_000_000_045n)).toBeUndefined();
    }
  });

  it('cutsTheBatchHoldingTheOffsetAtASegmentsFirstBatch', async () => {
    const log = await writtenLog();
    expect(log.truncateTo(12n)).toBe(12n);
    // The segment starting at the cut stays, empty, as the active segment (as Kafka keeps it).
    expect(log.segmentBaseOffsets).toEqual([0n, 3n, 6n, 9n, 12n]);
    expect(log.leaderEpochs.all).toEqual([{ epoch: 1, startOffset: 0n }]);
    await expectConsistent(log);
    log.append(await batch(12), 5);
    await log.flush();
    expect(log.logEndOffset).toBe(13n);
    await close(log);
    await expectConsistent(openLog(log.dir));
  });

  it('aFlushRoundRunningAcrossTheTruncationClaimsNothingPastTheCut', async () => {
    const log = await writtenLog();
    log.append(await batch(20), 2);
    // The round's target is 21, taken before the cut.
    const flushing = log.flush();
    log.truncateTo(4n);
    for (let sequence = 4; sequence < 9; sequence++) log.append(await batch(sequence), 3);
    await flushing;
    expect(log.recoveryPoint).toBeLessThanOrEqual(4n);
    await log.flush();
    expect(log.recoveryPoint).toBe(9n);
  });

  it('bringsAHeldHighWatermarkDownWithTheLogEndOnly', async () => {
    const log = await writtenLog();
    log.holdHighWatermark(15n);
    expect(log.highWatermark).toBe(15n);
    expect(log.truncateTo(17n)).toBe(17n);
    expect(log.highWatermark).toBe(15n);
    expect(log.truncateTo(7n)).toBe(7n);
    expect(log.highWatermark).toBe(7n);
    // Held: appends leave it.
    log.append(await batch(7), 3);
    expect(log.highWatermark).toBe(7n);
  });

  it('emptiesTheLogAndStartsItAtTheOffsetWhenTheCutIsBelowItsFirstSegment', async () => {
    const log = await writtenLog();
    expect(log.deleteRecordsBefore(9n)).toBe(9n);
    expect(log.segmentBaseOffsets).toEqual([9n, 12n, 15n, 18n]);
    expect(log.truncateTo(5n)).toBe(5n);
    expect(log.segmentBaseOffsets).toEqual([5n]);
    expect(log.logStartOffset).toBe(5n);
    expect(log.logEndOffset).toBe(5n);
    expect(log.leaderEpochs.all).toEqual([]);
    expect([...log.producerState.entries()]).toEqual([]);
    expect(ProducerStateSnapshot.offsets(log.dir)).toEqual([]);
    // The leader's records from the new start follow.
    const leader = await writtenLog('leader-0');
    const fetched = await leader.readAsync(5n, 1 << 20, true);
    log.appendAsFollower(Buffer.from(fetched.records));
    expect(log.logEndOffset).toBe(6n);
    await expectConsistent(log);
    await close(log);
    const reopened = openLog(log.dir);
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([5n, 6n]);
    await expectConsistent(reopened);
  });

  it('truncationBelowTheLogStartOffsetWithinTheFirstSegmentLowersTheLogStartOffset', async () => {
    const log = await writtenLog();
    expect(log.deleteRecordsBefore(4n)).toBe(4n);
    expect(log.segmentBaseOffsets[0]).toBe(3n);
    expect(log.truncateTo(3n)).toBe(3n);
    expect([log.logStartOffset, log.logEndOffset, log.segmentBaseOffsets]).toEqual([3n, 3n, [3n]]);
    await expectConsistent(log);
  });

  it('refusesANegativeOffsetAndIgnoresOneAtOrPastTheLogEnd', async () => {
    const log = await writtenLog();
    expect(() => log.truncateTo(-1n)).toThrow('truncation to offset -1, below 0');
    expect(log.truncateTo(20n)).toBe(20n);
    expect(log.truncateTo(99n)).toBe(20n);
    expect(log.segmentBaseOffsets).toHaveLength(7);
  });

  describe('a crash between any two steps leaves a log that recovery makes consistent', () => {
    /**
     * Runs the truncation step by step on the live log, taking a crash image (a copy of the
     * directory as a killed process leaves it) before the first step and after each, then opens
     * every image without a clean shutdown.
     */
    async function crashImages(offset: bigint, deleteBefore?: bigint): Promise<PartitionLog[]> {
      const log = await writtenLog();
      if (deleteBefore !== undefined) log.deleteRecordsBefore(deleteBefore);
      const steps = log.truncationSteps(offset);
      const images = [join(dir.path, 'crash-0')];
      cpSync(log.dir, images[0]!, { recursive: true });
      for (const [i, step] of steps.entries()) {
        step();
        const image = join(dir.path, `crash-${i + 1}`);
        cpSync(log.dir, image, { recursive: true });
        images.push(image);
      }
      return images.map((image) => openLog(image));
    }

    it('whenTheCutIsInAnEarlierSegment', async () => {
      const recovered = await crashImages(4n);
      const ends: bigint[] = [];
      for (const log of recovered) {
        expect(log.recovery.hadCleanShutdown).toBe(false);
        await expectConsistent(log);
        ends.push(log.logEndOffset);
        // Its follower truncates it again, to the same log.
        log.truncateTo(4n);
        expect([log.logEndOffset, log.segmentBaseOffsets]).toEqual([4n, [0n, 3n]]);
        await expectConsistent(log);
      }
      // The log only ever comes back shorter, a segment at a time (newest first), then cut.
      expect(ends).toEqual([20n, 20n, 18n, 15n, 12n, 9n, 6n, 6n, 4n, 4n, 4n, 4n]);
    });

    it('whenTheCutIsBelowTheFirstSegment', async () => {
      const recovered = await crashImages(5n, 9n);
      const shapes = [];
      for (const log of recovered) {
        await expectConsistent(log);
        shapes.push([log.logStartOffset, log.logEndOffset]);
      }
      expect(shapes).toEqual([
        [9n, 20n],
        [9n, 20n], // checkpoint written: its log start offset 5 is below the first segment, which wins
        [9n, 18n],
        [9n, 15n],
        [9n, 12n],
        [5n, 5n], // every segment renamed: an empty log at the checkpoint's log start offset
        [5n, 5n],
        [5n, 5n],
        [5n, 5n],
        [5n, 5n],
        [5n, 5n],
      ]);
    });

    it('whenKilledBetweenCuttingTheLogAndRebuildingItsIndexes', async () => {
      const log = await writtenLog();
      const steps = log.truncationSteps(4n);
      // Every step before the cut of segment 3: the later segments are renamed away.
      for (const step of steps.slice(0, 7)) step();
      const image = join(dir.path, 'cut-only');
      cpSync(log.dir, image, { recursive: true });
      for (const step of steps.slice(7)) step();
      // The kill came after `.log` was cut at offset 4, before its indexes were rebuilt.
      const cutAt = batchesOnDisk(image).find((b) => b.baseOffset === 4n)!;
      expect(cutAt.file).toBe('00000000000000000003.log');
      truncateSync(join(image, cutAt.file), cutAt.position);
      const recovered = openLog(image);
      expect([recovered.logEndOffset, recovered.segmentBaseOffsets]).toEqual([4n, [0n, 3n]]);
      await expectConsistent(recovered);
    });

    it('whenKilledBetweenTheRenamesOfOneSegmentsFiles', async () => {
      const log = await writtenLog();
      await close(log);
      // The newest segment's log renamed `.deleted`, its indexes not yet.
      renameSync(
        join(log.dir, '00000000000000000018.log'),
        join(log.dir, '00000000000000000018.log.deleted'),
      );
      const recovered = openLog(log.dir);
      expect(recovered.segmentBaseOffsets.at(-1)).toBe(15n);
      // Its indexes went as indexes without a log; its roll snapshot (the state below 18) stays.
      expect(readdirSync(log.dir).filter((name) => name.startsWith('00000000000000000018'))).toEqual([
        '00000000000000000018.snapshot',
      ]);
      await expectConsistent(recovered);
    });
  });
});
