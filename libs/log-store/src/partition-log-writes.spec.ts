import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog } from './partition-log.js';
import { batchOf, batchOfSize, readAll } from './test-support/batches.js';
import { crashImage } from './test-support/crash.js';
import { tempDir } from './test-support/temp-dir.js';

/** Coalesced writes: the appends of one event-loop turn reach the file together, at its end. */
describe('PartitionLog writes', () => {
  let dir: ReturnType<typeof tempDir>;
  let log: PartitionLog;
  let images = 0;
  const open = (options: Parameters<typeof PartitionLog.open>[1] = {}) => {
    log = PartitionLog.open(join(dir.path, 'orders-0'), options);
  };
  const fileSize = (name = '00000000000000000000.log') => statSync(join(log.dir, name)).size;
  /** The offsets a restart finds after a crash at this instant (the page cache survives a process crash). */
  const offsetsAfterCrash = async () => {
    const recovered = PartitionLog.open(crashImage(log, join(dir.path, `image-${images++}`)), {
      segmentBytes: log.config.segmentBytes,
    });
    const offsets = (await readAll(recovered)).map((r) => r.offset);
    await recovered.close();
    return offsets;
  };
  const batches = (count: number, size = 200) =>
    Promise.all(Array.from({ length: count }, (_, i) => batchOfSize(1, size, `w${i}-`)));

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  it('appendsOfOneTurnAreWrittenTogetherAtItsEndWithOffsetsAssignedAtOnce', async () => {
    open();
    const input = await batches(5);
    const offsets = input.map((batch) => log.append(batch).baseOffset);
    expect(offsets).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(log.logEndOffset).toBe(5n);
    expect(fileSize()).toBe(0);
    await log.whenWritten();
    expect(fileSize()).toBe(input.reduce((sum, batch) => sum + batch.length, 0));
    expect(await log.whenWritten()).toBeUndefined();
  });

  it('writeAppendsWritesWhatIsQueuedAtOnce', async () => {
    open();
    const input = await batches(3);
    for (const batch of input) log.append(batch);
    expect(fileSize()).toBe(0);
    log.writeAppends();
    expect(fileSize()).toBe(input.reduce((sum, batch) => sum + batch.length, 0));
    expect(await offsetsAfterCrash()).toEqual([0n, 1n, 2n]);
  });

  it('aMebibyteQueuedIsWrittenAtOnce', async () => {
    open({ maxMessageBytes: 2 * 1024 * 1024 });
    log.append(await batchOfSize(1, 100));
    expect(fileSize()).toBe(0);
    log.append(await batchOfSize(1, 1024 * 1024));
    expect(fileSize()).toBeGreaterThan(1024 * 1024);
  });

  it('aReadInTheSameTurnSeesEveryAppend', async () => {
    open();
    const [a, b] = await Promise.all([batchOf([{ value: 'a' }]), batchOf([{ value: 'b' }])]);
    log.append(a!);
    log.append(b!);
    expect(log.read(1n, 1024).records.readBigInt64BE(0)).toBe(1n);
    const [first] = await Promise.all([log.readAsync(0n, 1024), log.whenWritten()]);
    expect(first.records.length).toBe(a!.length + b!.length);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('aCrashLosesOnlyAppendsNotYetWritten', async () => {
    open();
    const [acknowledged, pending] = await batches(2);
    log.append(acknowledged!);
    await log.whenWritten();
    log.append(pending!);
    expect(await offsetsAfterCrash()).toEqual([0n]);
    await log.whenWritten();
    expect(await offsetsAfterCrash()).toEqual([0n, 1n]);
  });

  it('flushWritesWhatIsPendingBeforeItsFsync', async () => {
    open();
    for (const batch of await batches(3)) log.append(batch);
    const flushed = log.flush();
    expect(fileSize()).toBeGreaterThan(0);
    await flushed;
    expect(log.recoveryPoint).toBe(3n);
    expect(await offsetsAfterCrash()).toEqual([0n, 1n, 2n]);
  });

  it('rollWritesTheClosedSegmentFirst', async () => {
    open({ segmentBytes: 1000 });
    for (const batch of await batches(12)) log.append(batch);
    const bases = log.segmentBaseOffsets;
    expect(bases.length).toBeGreaterThan(2);
    // Still in the turn of the appends: every segment but the active one is on disk whole.
    for (const [i, base] of bases.slice(0, -1).entries()) {
      const size = fileSize(`${base.toString().padStart(20, '0')}.log`);
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(1000);
      expect(bases[i + 1]).toBeGreaterThan(base);
    }
    expect(fileSize(`${bases.at(-1)!.toString().padStart(20, '0')}.log`)).toBe(0);
    expect(await offsetsAfterCrash()).toEqual(
      Array.from({ length: Number(bases.at(-1)!) }, (_, i) => BigInt(i)),
    );
  });

  it('closeWritesWhatIsPending', async () => {
    open();
    for (const batch of await batches(4)) log.append(batch);
    await log.close();
    open();
    expect((await readAll(log)).map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n]);
  });

  it('theSameBufferAppendedTwiceInOneTurnIsStoredWithBothOffsets', async () => {
    open();
    const batch = await batchOf([{ value: 'again' }]);
    log.append(batch);
    log.append(batch);
    await log.whenWritten();
    expect(await offsetsAfterCrash()).toEqual([0n, 1n]);
  });

  it('moreBatchesInOneTurnThanOneWritevTakesAreAllWritten', async () => {
    open();
    const input = await batches(1500, 10);
    for (const batch of input) log.append(batch);
    await log.whenWritten();
    expect(fileSize()).toBe(input.reduce((sum, batch) => sum + batch.length, 0));
    expect(await offsetsAfterCrash()).toEqual(Array.from({ length: 1500 }, (_, i) => BigInt(i)));
  });
});
