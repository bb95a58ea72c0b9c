import { join } from 'node:path';
import { decodeRecordBatches } from '@runnel/protocol';
import { PartitionLog } from './partition-log.js';
import { batchOf, batchOfSize } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

describe('PartitionLog during appends', () => {
  let dir: { path: string; remove: () => void };
  let log: PartitionLog;

  beforeEach(() => {
    dir = tempDir();
    log = PartitionLog.open(join(dir.path, 'stream-0'), { segmentBytes: 4000, indexIntervalBytes: 256 });
  });

  afterEach(async () => {
    await log.close();
    dir.remove();
  });

  it('waitForAppendResolvesOnceARecordAtTheOffsetExists', async () => {
    let resolved = false;
    const waiting = log.waitForAppend(2n).then(() => {
      resolved = true;
    });
    log.append(await batchOf([{ value: 'a' }, { value: 'b' }]));
    await Promise.resolve();
    expect(resolved).toBe(false);
    log.append(await batchOf([{ value: 'c' }]));
    await waiting;
    expect(log.read(2n, 1000).records.length).toBeGreaterThan(0);
    await expect(log.waitForAppend(0n)).resolves.toBeUndefined();
  });

  it('waitForAppendRejectsWithTheSignalsReasonWhenAborted', async () => {
    const controller = new AbortController();
    const waiting = log.waitForAppend(0n, controller.signal);
    controller.abort(new Error('fetch maxWaitMs elapsed'));
    await expect(waiting).rejects.toThrow('fetch maxWaitMs elapsed');
    await expect(log.waitForAppend(0n, controller.signal)).rejects.toThrow('fetch maxWaitMs elapsed');
  });

  it('waitForAppendRejectsWhenTheLogCloses', async () => {
    const waiting = log.waitForAppend(0n);
    await log.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });

  it('readersDuringAppendsSeeOnlyCompleteBatchesInOffsetOrder', async () => {
    const batches = 200;
    const writer = (async () => {
      for (let i = 0; i < batches; i++) {
        log.append(await batchOfSize(1 + (i % 5), 20 + ((i * 37) % 300), `w${i}-`));
        if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const reader = async (maxBytes: number) => {
      let offset = 0n;
      let seen = 0;
      while (seen < batches) {
        await log.waitForAppend(offset);
        const { records, highWatermark } = log.read(offset, maxBytes);
        const { batches: decoded, bytesConsumed } = await decodeRecordBatches(records);
        expect(bytesConsumed).toBe(records.length);
        for (const batch of decoded) {
          expect(batch.header.baseOffset).toBe(offset);
          offset = batch.header.baseOffset + BigInt(batch.records.length);
          expect(offset).toBeLessThanOrEqual(highWatermark);
          seen++;
        }
      }
      return offset;
    };
    const [, ...ends] = await Promise.all([writer, reader(1), reader(700), reader(1 << 20)]);
    expect(ends).toEqual([log.logEndOffset, log.logEndOffset, log.logEndOffset]);
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(5);
  });
});
