import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog } from './partition-log.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { tempDir } from './test-support/temp-dir.js';

/** One idempotent batch of `records` records from `producerId` (epoch 0) at `baseSequence`. */
function idempotentBatch(producerId: bigint, baseSequence: number, records = 1, size = 20): Promise<Buffer> {
  return encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence,
    records: Array.from({ length: records }, (_, i) => ({
      value: Buffer.from(`${producerId}-${baseSequence + i}`.padEnd(size, '.')),
      timestamp: 1_700_000_000_000,
    })),
  });
}

const snapshotsIn = (dir: string) => readdirSync(dir).filter((name) => name.includes('.snapshot'));

describe('ProducerStateSnapshot', () => {
  let dir: ReturnType<typeof tempDir>;
  let logDir: string;
  const open = (segmentBytes = 1024 * 1024) => PartitionLog.open(logDir, { segmentBytes });
  /** Producer 7 writes `count` one-record batches from sequence `from`; returns their base offsets. */
  const produce = async (log: PartitionLog, count: number, from = 0, producerId = 7n) => {
    const offsets: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const batch = log.validate(await idempotentBatch(producerId, from + i, 1, 200));
      expect(log.producerState.check(batch)).toBeUndefined();
      offsets.push(log.append(batch).baseOffset);
    }
    return offsets;
  };
  /** The answer the state gives to a retry of producer 7's one-record batch at `sequence`. */
  const retryOf = async (log: PartitionLog, sequence: number, producerId = 7n) =>
    log.producerState.check(log.validate(await idempotentBatch(producerId, sequence, 1, 200)))?.firstOffset;

  beforeEach(() => {
    dir = tempDir();
    logDir = join(dir.path, 'idem-0');
  });
  afterEach(() => dir.remove());

  it('snapshotAtCleanShutdownIsLoadedAndNothingIsScanned', async () => {
    const log = open();
    await produce(log, 10);
    await log.close();
    expect(snapshotsIn(logDir)).toEqual(['00000000000000000010.snapshot']);
    const reopened = open();
    expect(reopened.recovery).toMatchObject({ producerSnapshotOffset: 10n, producerBatchesScanned: 0 });
    expect(await retryOf(reopened, 9)).toBe(9n);
    expect(await retryOf(reopened, 5)).toBe(5n);
    await reopened.close();
  });

  it('snapshotAtEachRollLimitsTheScanAfterACrashToTheActiveSegment', async () => {
    const log = open(2000);
    await produce(log, 30);
    const bases = log.segmentBaseOffsets;
    expect(bases.length).toBeGreaterThan(2);
    expect(snapshotsIn(logDir)).toEqual(
      bases.slice(1).map((base) => `${base.toString().padStart(20, '0')}.snapshot`),
    );
    // A crash once the appends were written: the directory as the open log leaves it (a process
    // crash keeps the page cache).
    await log.whenWritten();
    const image = join(dir.path, 'crashed-0');
    cpSync(logDir, image, { recursive: true });
    const recovered = PartitionLog.open(image, { segmentBytes: 2000 });
    const activeBase = bases.at(-1)!;
    expect(recovered.recovery).toMatchObject({
      hadCleanShutdown: false,
      producerSnapshotOffset: activeBase,
      producerBatchesScanned: Number(30n - activeBase),
    });
    expect(
      recovered.producerState.check(recovered.validate(await idempotentBatch(7n, 29, 1, 200)))?.firstOffset,
    ).toBe(29n);
    await recovered.close();
    await log.close();
  });

  it('snapshotSurvivesACrashAtEveryStepOfItsWrite', async () => {
    const log = open();
    await produce(log, 4);
    await log.close();
    // The old snapshot (offset 4); a new one (offset 6, two more batches) is being written.
    const reopened = open();
    await produce(reopened, 2, 4);
    await reopened.whenWritten();
    const steps = ProducerStateSnapshot.writeSteps(logDir, 6n, reopened.producerState.entries());
    expect(steps.length).toBe(4);
    for (let done = 0; done <= steps.length; done++) {
      const image = join(dir.path, `crash-after-${done}`);
      cpSync(logDir, image, { recursive: true });
      const copy = ProducerStateSnapshot.writeSteps(image, 6n, reopened.producerState.entries());
      for (const step of copy.slice(0, done)) step();
      if (done === 1) {
        // Killed in the middle of the temporary file's write: it holds part of the bytes.
        const temp = join(image, '00000000000000000006.snapshot.tmp');
        writeFileSync(temp, readFileSync(temp).subarray(0, 7));
      }
      const recovered = PartitionLog.open(image);
      const renamed = done >= 3;
      expect(recovered.recovery).toMatchObject({
        producerSnapshotOffset: renamed ? 6n : 4n,
        producerBatchesScanned: renamed ? 0 : 2,
      });
      expect(recovered.recovery.lines.filter((line) => line.includes('snapshot'))).toEqual([]);
      expect(snapshotsIn(image).some((name) => name.endsWith('.tmp'))).toBe(false);
      expect(
        recovered.producerState.check(recovered.validate(await idempotentBatch(7n, 5, 1, 200)))?.firstOffset,
      ).toBe(5n);
      await recovered.close();
      // The write interrupted after its first step still holds its (now deleted) file open.
      if (done === 1) copy[1]!();
    }
    await reopened.close();
  });

  it('corruptSnapshotFallsBackToAScanAndIsReported', async () => {
    const log = open();
    await produce(log, 6);
    await log.close();
    const path = join(logDir, '00000000000000000006.snapshot');
    const bytes = readFileSync(path);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(path, bytes);
    const reopened = open();
    expect(reopened.recovery).toMatchObject({ producerSnapshotOffset: undefined, producerBatchesScanned: 6 });
    expect(reopened.recovery.lines).toEqual([
      expect.stringMatching(
        /producer state snapshot .*00000000000000000006\.snapshot is corrupt \(stored CRC [0-9a-f]+ does not match [0-9a-f]+ computed over \d+ bytes\): deleted/,
      ),
    ]);
    expect(existsSync(path)).toBe(false);
    expect(await retryOf(reopened, 5)).toBe(5n);
    await reopened.close();
  });

  it('snapshotPastTheRecoveredEndIsDeleted', async () => {
    const log = open();
    await produce(log, 3);
    await log.close();
    ProducerStateSnapshot.write(logDir, 99n, new ProducerStateManager(logDir).entries());
    const reopened = open();
    expect(reopened.recovery.producerSnapshotOffset).toBe(3n);
    expect(snapshotsIn(logDir)).toEqual(['00000000000000000003.snapshot']);
    await reopened.close();
  });

  it('oldSnapshotsAreDeletedWithTheirSegments', async () => {
    const log = PartitionLog.open(logDir, { segmentBytes: 2000, retentionBytes: 2500 });
    await produce(log, 30);
    const before = snapshotsIn(logDir);
    expect(log.deleteOldSegments()).toBeGreaterThan(0);
    const first = log.segmentBaseOffsets[0]!;
    const after = snapshotsIn(logDir);
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((name) => BigInt(name.slice(0, 20)) >= first)).toBe(true);
    await log.close();
  });

  it('keepsEverySnapshottedProducerAndBatch', async () => {
    const log = open();
    await produce(log, 7, 0, 1n);
    await produce(log, 2, 0, 2n);
    await log.close();
    const read = ProducerStateSnapshot.read(join(logDir, '00000000000000000009.snapshot'));
    expect('producers' in read && read.producers.map(([id, entry]) => [id, entry.batches.length])).toEqual([
      [1n, 5],
      [2n, 2],
    ]);
  });
});
