import { pbkdf2 } from 'node:crypto';
import { join } from 'node:path';
import { OffsetOutOfRangeError } from './errors.js';
import { PartitionLog } from './partition-log.js';
import { batchOfSize } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

/**
 * Occupies every thread of libuv's pool (key derivations of about 100 ms), so a file read
 * submitted now waits in the queue until they finish; resolves when they have.
 */
function busyThreadPool(): Promise<void> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return Promise.all(
    Array.from(
      { length: threads },
      () => new Promise<void>((resolve) => pbkdf2('k', 's', 100_000, 32, 'sha256', () => resolve())),
    ),
  ).then(() => undefined);
}

/** Lets pending promise callbacks and immediates run (a deferred close included). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('PartitionLog.readAsync', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await log?.close();
    dir.remove();
  });

  /**
   * A log of batches of 1 to 40 records of 10 to 300 bytes, over several segments, sparse indexes,
   * written and then opened again: its bytes are not this process's hot tail, so readAsync reads
   * them on the thread pool.
   */
  async function filledLog(): Promise<PartitionLog> {
    const options = { segmentBytes: 64 * 1024, indexIntervalBytes: 2048 };
    log = PartitionLog.open(join(dir.path, 'orders-0'), options);
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) log.append(await batchOfSize(1 + next(40), 10 + next(290), `b${i}-`));
    await log.close();
    log = PartitionLog.open(join(dir.path, 'orders-0'), options);
    return log;
  }

  it('readAsyncAnswersWhatReadAnswersForEveryOffsetAndSize', async () => {
    await filledLog();
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(3);
    let compared = 0;
    for (let offset = log.logStartOffset; offset <= log.logEndOffset; offset += 7n) {
      for (const maxBytes of [0, 1, 100, 4096, 20_000, 1 << 20]) {
        const expected = log.read(offset, maxBytes);
        const actual = await log.readAsync(offset, maxBytes);
        expect(actual.records.equals(expected.records)).toBe(true);
        expect(actual).toMatchObject({
          highWatermark: expected.highWatermark,
          logStartOffset: expected.logStartOffset,
          logEndOffset: expected.logEndOffset,
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('readAsyncReadsTheHotTailWithoutWaitingForTheThreadPoolAndOlderBytesOnIt', async () => {
    await filledLog();
    // A consumer at the log's end: its last fetch ended where the next appends begin.
    const tail = log.logEndOffset;
    expect((await log.readAsync(tail - 1n, 1 << 20)).records.length).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) log.append(await batchOfSize(5, 100, `hot${i}-`));
    // Every pool thread busy for about 100 ms; a read submitted now waits for the first to finish,
    // whose callback then runs before the read's.
    let derivationsDone = 0;
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const busy = Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<void>((resolve) =>
            pbkdf2('k', 's', 100_000, 32, 'sha256', () => {
              derivationsDone++;
              resolve();
            }),
          ),
      ),
    );
    const hot = await log.readAsync(tail, 1 << 20);
    expect(derivationsDone).toBe(0);
    expect(hot.records.length).toBeGreaterThan(0);
    expect(hot.records.equals(log.read(tail, 1 << 20).records)).toBe(true);
    // Bytes the log had when opened may be cold: read on the pool, so after a thread came free.
    const cold = await log.readAsync(log.logStartOffset, 4096);
    expect(derivationsDone).toBeGreaterThan(0);
    expect(cold.records.equals(log.read(log.logStartOffset, 4096).records)).toBe(true);
    await busy;
  });

  it('readAsyncAnswersAConsumerReadingOnFromEachAnswerAsReadDoes', async () => {
    log = PartitionLog.open(join(dir.path, 'orders-0'), {
      segmentBytes: 512 * 1024,
      indexIntervalBytes: 4096,
    });
    // Batches from 100 bytes to 60 KiB: some far larger than a walk's read, and than the fetches.
    for (let i = 0; i < 120; i++)
      log.append(await batchOfSize(1 + ((i * 37) % 60), 10 + ((i * 53) % 1000), `c${i}-`));
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(3);
    for (const maxBytes of [1, 5000, 40_000, 1 << 20]) {
      let offset = log.logStartOffset;
      let reads = 0;
      while (offset < log.highWatermark) {
        const expected = log.read(offset, maxBytes).records;
        const actual = (await log.readAsync(offset, maxBytes)).records;
        expect(actual.equals(expected)).toBe(true);
        // As a consumer does: on from the last batch of the answer.
        let at = 0;
        while (at < actual.length) {
          offset = actual.readBigInt64BE(at) + BigInt(actual.readInt32BE(at + 23)) + 1n;
          at += 12 + actual.readInt32BE(at + 8);
        }
        reads++;
      }
      expect(reads).toBeGreaterThan(0);
    }
  });

  it('readAsyncReturnsNothingAppendedAfterTheCall', async () => {
    await filledLog();
    const end = log.logEndOffset;
    const reading = log.readAsync(end - 1n, 1 << 20);
    log.append(await batchOfSize(5, 100, 'late-'));
    const { records, highWatermark } = await reading;
    expect(highWatermark).toBe(end);
    expect(records.length).toBeGreaterThan(0);
    expect(records.equals(log.read(end - 1n, 1 << 20).records.subarray(0, records.length))).toBe(true);
    const lastOffsetDelta = records.readInt32BE(records.length - records.readInt32BE(8) - 12 + 23);
    expect(records.readBigInt64BE(0) + BigInt(lastOffsetDelta)).toBeLessThan(end);
  });

  it('readAsyncFinishesItsReadWhenTheSegmentIsDeletedMeanwhile', async () => {
    await filledLog();
    const first = log.logStartOffset;
    const expected = log.read(first, 1 << 20).records;
    await log.flush(); // no fsync round left to hold up the segment's close
    const busy = busyThreadPool();
    const reading = log.readAsync(first, 1 << 20);
    // The read waits for a thread; meanwhile its segment leaves the log and would be closed.
    log.deleteRecordsBefore(log.segmentBaseOffsets[2]!);
    expect(log.logStartOffset).toBeGreaterThan(first);
    await settle();
    await busy;
    expect((await reading).records.equals(expected)).toBe(true);
    await expect(log.readAsync(first, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
  });

  it('readAsyncFinishesItsReadWhenTheLogClosesMeanwhile', async () => {
    await filledLog();
    const expected = log.read(10n, 50_000).records;
    const busy = busyThreadPool();
    const reading = log.readAsync(10n, 50_000);
    await log.close();
    await busy;
    expect((await reading).records.equals(expected)).toBe(true);
    await expect(log.readAsync(10n, 100)).rejects.toThrow(/closed/);
  });
});
