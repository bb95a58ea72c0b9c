import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '@runnel/log-store';
import { encodeRecordBatch } from '@runnel/protocol';
import { FetchPurgatory } from './fetch-purgatory.js';

const batch = () => encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: 1 }] });
const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('FetchPurgatory', () => {
  let logs: PartitionLog[];
  let purgatory: FetchPurgatory;

  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'runnel-purgatory-'));
    logs = [PartitionLog.open(join(dir, 'a-0')), PartitionLog.open(join(dir, 'a-1'))];
    purgatory = new FetchPurgatory();
  });
  afterEach(() => Promise.all(logs.map((log) => log.close())));

  const endsOfAll = () => logs.map((log) => ({ log, offset: log.logEndOffset }));

  it('releases a waiting fetch with true as soon as any of its partitions gets an append', async () => {
    const waiting = purgatory.awaitAppend(endsOfAll(), 30_000);
    logs[1]!.append(await batch());
    await expect(waiting).resolves.toBe(true);
  });

  it('releases it with false once its wait runs out, after about that long', async () => {
    const started = performance.now();
    await expect(purgatory.awaitAppend(endsOfAll(), 50)).resolves.toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('leaves no timer behind however the wait ends', async () => {
    const before = activeTimers();
    const byAppend = purgatory.awaitAppend(endsOfAll(), 30_000);
    expect(activeTimers()).toBe(before + 1);
    logs[0]!.append(await batch());
    await byAppend;
    expect(activeTimers()).toBe(before);
    await purgatory.awaitAppend(endsOfAll(), 10);
    expect(activeTimers()).toBe(before);
  });

  it('wakes a fetch whose log closes, so its next read reports the log', async () => {
    const waiting = purgatory.awaitAppend([{ log: logs[0]!, offset: logs[0]!.logEndOffset }], 30_000);
    await logs[0]!.close();
    await expect(waiting).resolves.toBe(true);
  });

  it('stop releases every waiting fetch at once, and later fetches do not wait at all', async () => {
    const waiting = [purgatory.awaitAppend(endsOfAll(), 30_000), purgatory.awaitAppend(endsOfAll(), 30_000)];
    purgatory.stop();
    await expect(Promise.all(waiting)).resolves.toEqual([false, false]);
    await expect(purgatory.awaitAppend(endsOfAll(), 30_000)).resolves.toBe(false);
  });
});
