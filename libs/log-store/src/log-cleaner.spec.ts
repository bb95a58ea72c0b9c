import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionType } from '@runnel/protocol';
import fc from 'fast-check';
import { PartitionLog } from './partition-log.js';
import type { PartitionLogOptions } from './partition-log-types.js';
import { batchOf, type ReadRecord, readAll } from './test-support/batches.js';
import { crashImage } from './test-support/crash.js';
import { ManualClock } from './test-support/manual-clock.js';
import { tempDir } from './test-support/temp-dir.js';

const DAY = 24 * 60 * 60 * 1000;

/** The value a reader of the log ends up with per key: the last one read; a tombstone or no record reads as null. */
function newestByKey(
  records: readonly { key: string | null; value: string | null }[],
): Map<string, string | null> {
  const newest = new Map<string, string | null>();
  for (const r of records) if (r.key !== null) newest.set(r.key, r.value);
  for (const [key, value] of newest) if (value === null) newest.delete(key);
  return newest;
}

describe('LogCleaner', () => {
  let dir: { path: string; remove: () => void };
  let runs = 0;
  const clock = new ManualClock();

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  const open = (options: PartitionLogOptions = {}) =>
    PartitionLog.open(join(dir.path, `offsets-${runs++}`), {
      cleanupPolicy: 'compact',
      segmentBytes: 400,
      indexIntervalBytes: 120,
      clock,
      ...options,
    });

  it('compactedLogKeepsTheNewestValuePerKeyAtUnchangedOffsets', async () => {
    const record = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      value: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { freq: 6, nil: null }),
    });
    const batch = fc.record({
      records: fc.array(record, { minLength: 1, maxLength: 4 }),
      compression: fc.constantFrom(CompressionType.None, CompressionType.Gzip),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (batches, passes) => {
          const log = open();
          const written: ReadRecord[] = [];
          try {
            for (const [i, b] of batches.entries()) {
              const timestamp = BigInt(clock.now() + i);
              const { baseOffset } = log.append(
                await batchOf(b.records, { compression: b.compression, timestamp }),
              );
              for (const [j, r] of b.records.entries())
                written.push({ offset: baseOffset + BigInt(j), ...r, timestamp });
              if (i % Math.ceil(batches.length / passes) === 0) await log.compact();
            }
            await log.compact();
            const compacted = await readAll(log);
            expect(newestByKey(compacted)).toEqual(newestByKey(written));
            const byOffset = new Map(written.map((r) => [r.offset, r]));
            for (const [i, r] of compacted.entries()) {
              expect(r).toEqual(byOffset.get(r.offset));
              if (i > 0) expect(r.offset).toBeGreaterThan(compacted[i - 1]!.offset);
            }
            const cleanedEnd = log.segmentBaseOffsets.at(-1)!;
            const cleanedKeys = compacted.filter((r) => r.offset < cleanedEnd).map((r) => r.key);
            expect(new Set(cleanedKeys).size).toBe(cleanedKeys.length);
          } finally {
            await log.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('compactionShrinksTheLogAndSurvivesReopening', async () => {
    const log = open();
    for (let i = 0; i < 60; i++)
      log.append(await batchOf([{ key: `k${i % 3}`, value: `v${i}`.padEnd(40, '.') }]));
    const before = log.size;
    const stats = await log.compact();
    expect(stats).toMatchObject({
      recordsRemoved: expect.any(Number),
      cleanedUpTo: log.segmentBaseOffsets.at(-1),
    });
    expect(stats!.bytesAfter).toBeLessThan(stats!.bytesBefore);
    expect(log.size).toBeLessThan(before);
    expect(log.dirtyRatio).toBe(0);
    const content = await readAll(log);
    await log.close();
    const reopened = PartitionLog.open(log.dir, { cleanupPolicy: 'compact', segmentBytes: 400, clock });
    expect(await readAll(reopened)).toEqual(content);
    expect(readdirSync(log.dir).filter((n) => /\.(cleaned|swap|deleted)$/.test(n))).toEqual([]);
    await reopened.close();
  });

  it('tombstonesAreRemovedOnlyAfterDeleteRetentionMs', async () => {
    const log = open({ deleteRetentionMs: DAY });
    const t = BigInt(clock.now());
    log.append(await batchOf([{ key: 'gone', value: 'v1' }], { timestamp: t }));
    log.append(await batchOf([{ key: 'kept', value: 'v2' }], { timestamp: t }));
    log.append(await batchOf([{ key: 'gone', value: null }], { timestamp: t }));
    log.append(await batchOf([{ key: 'filler', value: 'f'.repeat(300) }], { timestamp: t }));
    expect(log.segmentBaseOffsets).toEqual([0n, 3n]);
    await log.compact();
    expect((await readAll(log)).map((r) => [r.key, r.value?.slice(0, 2) ?? null])).toEqual([
      ['kept', 'v2'],
      ['gone', null],
      ['filler', 'ff'],
    ]);
    clock.advance(DAY + 1);
    await log.compact();
    expect((await readAll(log)).map((r) => r.key)).toEqual(['kept', 'filler']);
    await log.close();
  });

  it('keylessRecordsAreDropped', async () => {
    const log = open();
    log.append(await batchOf([{ value: 'no key' }, { key: 'k', value: 'v'.repeat(300) }]));
    log.append(await batchOf([{ key: 'k', value: 'w' }]));
    await log.compact();
    expect((await readAll(log)).map((r) => r.value)).toEqual(['v'.repeat(300), 'w']);
    await log.close();
  });

  it('appendsAndReadsGoOnWhileCompacting', async () => {
    const log = open();
    for (let i = 0; i < 30; i++)
      log.append(await batchOf([{ key: `k${i % 4}`, value: `old${i}`.padEnd(60, '.') }]));
    const compaction = log.compact();
    for (let i = 0; i < 10; i++) {
      log.append(await batchOf([{ key: `k${i % 4}`, value: `new${i}` }]));
      expect(log.read(log.logStartOffset, 1 << 20).records.length).toBeGreaterThan(0);
    }
    await compaction;
    expect(newestByKey(await readAll(log))).toEqual(
      new Map([
        ['k0', 'new8'],
        ['k1', 'new9'],
        ['k2', 'new6'],
        ['k3', 'new7'],
      ]),
    );
    await log.close();
  });

  it('compactedLogRecoversAfterACrash', async () => {
    const log = open();
    for (let i = 0; i < 40; i++)
      log.append(await batchOf([{ key: `k${i % 5}`, value: `v${i}`.padEnd(50, '.') }]));
    await log.compact();
    const content = await readAll(log);
    const recovered = PartitionLog.open(crashImage(log, join(dir.path, 'image')), {
      segmentBytes: 400,
      clock,
    });
    expect(await readAll(recovered)).toEqual(content);
    await recovered.close();
    await log.close();
  });
});
