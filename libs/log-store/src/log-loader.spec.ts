import {
  appendFileSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { KafkaStorageError } from './errors.js';
import { PartitionLog } from './partition-log.js';
import type { PartitionLogOptions } from './partition-log-types.js';
import { batchOfSize, readAll } from './test-support/batches.js';
import { type BatchOnDisk, batchesOnDisk, crashImage } from './test-support/crash.js';
import { tempDir } from './test-support/temp-dir.js';

const OPTIONS: PartitionLogOptions = { segmentBytes: 1500, indexIntervalBytes: 200 };

/** The offsets a log must serve after damage at `position` of `file`: every batch before it, nothing after. */
function survivors(batches: readonly BatchOnDisk[], file: string, position: number): bigint[] {
  const offsets: bigint[] = [];
  for (const b of batches) {
    if (b.file > file || (b.file === file && b.position + b.size > position)) break;
    for (let o = b.baseOffset; o <= b.lastOffset; o++) offsets.push(o);
  }
  return offsets;
}

describe('LogLoader recovery', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;
  let batches: BatchOnDisk[];
  let images = 0;

  /** A crash image of the log, with `damage` applied to it, reopened. */
  const reopenAfterCrash = (damage: (imageDir: string) => void = () => undefined): PartitionLog => {
    const image = crashImage(log, join(dir.path, `image-${images++}`));
    damage(image);
    return PartitionLog.open(image, OPTIONS);
  };

  const offsetsOf = async (recovered: PartitionLog) =>
    (await readAll(recovered, recovered.logStartOffset, 700)).map((r) => r.offset);

  beforeEach(async () => {
    dir = tempDir();
    log = PartitionLog.open(join(dir.path, 'orders-0'), OPTIONS);
    for (let i = 0; i < 40; i++) {
      log.append(
        await batchOfSize(1 + (i % 3), 30 + ((i * 53) % 120), `b${i}-`, 1_700_000_000_000n + BigInt(i)),
      );
    }
    await log.flush();
    batches = batchesOnDisk(log.dir);
  });

  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  it('spansSeveralSegments', () => {
    expect(new Set(batches.map((b) => b.file)).size).toBeGreaterThan(4);
  });

  it('recoveryTruncatesTornTailAtAnyCutPosition', async () => {
    const files = [...new Set(batches.map((b) => b.file))];
    const sizes = new Map(files.map((f) => [f, readFileSync(join(log.dir, f)).length]));
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...files)
          .chain((file) => fc.tuple(fc.constant(file), fc.nat({ max: sizes.get(file)! - 1 }))),
        async ([file, cut]) => {
          const recovered = reopenAfterCrash((image) => truncateSync(join(image, file), cut));
          try {
            expect(await offsetsOf(recovered)).toEqual(survivors(batches, file, cut));
            expect(recovered.logEndOffset).toBe(recovered.recoveryPoint);
            const next = recovered.append(await batchOfSize(1, 10)).baseOffset;
            expect(next).toBe(recovered.logEndOffset - 1n);
          } finally {
            await recovered.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('recoveryTruncatesGarbageAndZerosAfterTheLastBatch', async () => {
    const active = batches.at(-1)!.file;
    const all = survivors(batches, '~', 0);
    for (const tail of [Buffer.alloc(4096), Buffer.from('not a record batch at all, just bytes'.repeat(9))]) {
      const recovered = reopenAfterCrash((image) => appendFileSync(join(image, active), tail));
      expect(await offsetsOf(recovered)).toEqual(all);
      expect(recovered.recovery.lines.join('\n')).toMatch(`truncated ${tail.length} bytes`);
      expect(recovered.recovery).toMatchObject({
        hadCleanShutdown: false,
        segmentsRecovered: 1,
        bytesTruncated: tail.length,
        segmentsDeleted: 0,
      });
      await recovered.close();
    }
  });

  it('recoveryTruncatesFromTheFirstCorruptBatchOfTheActiveSegment', async () => {
    const active = batches.filter((b) => b.file === batches.at(-1)!.file);
    const victim = active[Math.floor(active.length / 2)]!;
    const recovered = reopenAfterCrash((image) => {
      const bytes = readFileSync(join(image, victim.file));
      bytes[victim.position + victim.size - 3]! ^= 0x5a;
      writeFileSync(join(image, victim.file), bytes);
    });
    expect(await offsetsOf(recovered)).toEqual(survivors(batches, victim.file, victim.position));
    expect(recovered.recovery.lines.join('\n')).toMatch(/CRC/);
    await recovered.close();
  });

  it('recoveryStartsAtTheSegmentHoldingTheRecoveryPoint', async () => {
    const recovered = reopenAfterCrash();
    const activeBase = log.segmentBaseOffsets.at(-1)!;
    expect(recovered.recovery.hadCleanShutdown).toBe(false);
    expect(recovered.recovery.lines).toEqual([
      `unclean shutdown: recovering from segment ${activeBase} (recovery point ${log.logEndOffset})`,
    ]);
    expect(await offsetsOf(recovered)).toEqual(survivors(batches, '~', 0));
    await recovered.close();
  });

  it('recoveryWithoutACheckpointScansEverySegment', async () => {
    const recovered = reopenAfterCrash((image) => rmSync(join(image, 'log-checkpoint')));
    expect(recovered.recovery.lines[0]).toBe(
      'unclean shutdown: recovering from segment 0 (recovery point 0)',
    );
    expect(await offsetsOf(recovered)).toEqual(survivors(batches, '~', 0));
    await recovered.close();
  });

  it('indexRebuiltWhenMissingOrCorrupt', async () => {
    await log.close();
    const [first, second, third] = readdirSync(log.dir).filter((n) => n.endsWith('.log'));
    const index = (file: string | undefined, suffix: string) => join(log.dir, file!.replace('.log', suffix));
    rmSync(index(first, '.index'));
    appendFileSync(index(second, '.timeindex'), Buffer.from([1, 2, 3]));
    writeFileSync(index(third, '.index'), Buffer.from([0, 0, 0, 9, 0x7f, 0, 0, 0]));
    log = PartitionLog.open(log.dir, OPTIONS);
    expect(log.recovery.hadCleanShutdown).toBe(true);
    expect(log.recovery.lines.filter((line) => line.includes('needs recovery'))).toHaveLength(3);
    expect(await offsetsOf(log)).toEqual(survivors(batches, '~', 0));
    expect(readFileSync(index(first, '.index')).length % 8).toBe(0);
    expect(readFileSync(index(second, '.timeindex')).length % 12).toBe(0);
    for (const b of batches) expect(log.read(b.lastOffset, 1).records.readBigInt64BE(0)).toBe(b.baseOffset);
  });

  it('orphanIndexFilesAreDeleted', async () => {
    await log.close();
    writeFileSync(join(log.dir, '00000000000000099999.index'), Buffer.alloc(8));
    log = PartitionLog.open(log.dir, OPTIONS);
    expect(readdirSync(log.dir)).not.toContain('00000000000000099999.index');
  });

  it('swapLeftByACrashIsCompleted', async () => {
    // A compaction of the first two segments into one wrote its `.swap` and crashed before
    // renaming the old segments away; the swap here holds both segments' batches unchanged.
    const [first, second] = [...new Set(batches.map((b) => b.file))];
    const recovered = reopenAfterCrash((image) => {
      const swap = join(image, `${first}.swap`);
      copyFileSync(join(image, first!), swap);
      appendFileSync(swap, readFileSync(join(image, second!)));
      writeFileSync(join(image, `${first!.replace('.log', '.index')}.swap`), Buffer.alloc(3));
    });
    expect(recovered.recovery.lines[0]).toMatch(/^completed the swap of compacted segment 0/);
    expect(recovered.segmentBaseOffsets).toEqual(log.segmentBaseOffsets.filter((_, i) => i !== 1));
    expect(readdirSync(recovered.dir).filter((n) => n.includes('.swap'))).toEqual([]);
    expect(await offsetsOf(recovered)).toEqual(survivors(batches, '~', 0));
    await recovered.close();
  });

  it('cleanedAndDeletedFilesLeftByACrashAreDiscarded', async () => {
    const [first] = [...new Set(batches.map((b) => b.file))];
    const recovered = reopenAfterCrash((image) => {
      writeFileSync(join(image, `${first}.cleaned`), Buffer.alloc(100, 1));
      writeFileSync(join(image, '00000000000000000777.log.deleted'), Buffer.alloc(100, 1));
    });
    expect(
      readdirSync(recovered.dir).filter((n) => n.includes('.cleaned') || n.includes('.deleted')),
    ).toEqual([]);
    expect(await offsetsOf(recovered)).toEqual(survivors(batches, '~', 0));
    await recovered.close();
  });

  it('corruptCheckpointKeepsTheLogClosedNamingTheFile', async () => {
    expect(() =>
      reopenAfterCrash((image) => writeFileSync(join(image, 'log-checkpoint'), 'garbage\n')),
    ).toThrow(KafkaStorageError);
    expect(() =>
      reopenAfterCrash((image) => writeFileSync(join(image, 'log-checkpoint'), '0\nx 1\n')),
    ).toThrow(/log-checkpoint does not parse/);
  });
});
