import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '@runnel/log-store';
import { encodeRecordBatch } from '@runnel/protocol';
import { FetchPurgatory, type WatchedPartition } from './fetch-purgatory.js';

/** One batch of about `bytes` bytes. */
const batch = (bytes: number) =>
  encodeRecordBatch({ records: [{ value: Buffer.alloc(Math.max(1, bytes - 70), 'v'), timestamp: 1 }] });

/**
 * Runs `body` with setTimeout and clearTimeout counted: `pending()` is how many timers set since
 * then have neither fired nor been cleared. (Counting the process's Timeout resources instead saw
 * other timers, such as Jest's, come and go.)
 */
async function withCountedTimers(body: (pending: () => number) => Promise<void>): Promise<void> {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = set(() => {
      live.delete(timer);
      callback(...args);
    }, ms);
    live.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((timer: Parameters<typeof clearTimeout>[0]) => {
    live.delete(timer);
    clear(timer);
  }) as typeof clearTimeout;
  try {
    await body(() => live.size);
  } finally {
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  }
}

/** Resolves true once `waiting` has settled, false if it has not after pending callbacks ran. */
async function settled(waiting: Promise<void>): Promise<boolean> {
  let done = false;
  void waiting.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('FetchPurgatory', () => {
  let logs: PartitionLog[];
  let purgatory: FetchPurgatory;

  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'runnel-purgatory-'));
    logs = [
      PartitionLog.open(join(dir, 'a-0'), { segmentBytes: 10_000 }),
      PartitionLog.open(join(dir, 'a-1'), { segmentBytes: 10_000 }),
    ];
    purgatory = new FetchPurgatory();
  });
  afterEach(() => Promise.all(logs.map((log) => log.close())));

  /** Every log, as a fetch that read nothing from it and may take up to `maxBytes` of it. */
  const atTheirEnds = (maxBytes = 1 << 20): WatchedPartition[] =>
    logs.map((log) => ({ log, readTo: log.endPosition(), bytesRead: 0, maxBytes }));

  it('waits through appends below minBytes and completes on the one that crosses it, over its partitions', async () => {
    const waiting = purgatory.awaitBytes(atTheirEnds(), 1000, 30_000);
    logs[0]!.append(await batch(400));
    expect(await settled(waiting)).toBe(false);
    logs[1]!.append(await batch(400));
    expect(await settled(waiting)).toBe(false);
    logs[1]!.append(await batch(400));
    expect(await settled(waiting)).toBe(true);
    expect(purgatory.size).toBe(0);
  });

  it('counts what the read returned, and caps each partition at its maxBytes', async () => {
    const [first, second] = atTheirEnds(300);
    const waiting = purgatory.awaitBytes([{ ...first!, bytesRead: 250 }, second!], 700, 30_000);
    logs[0]!.append(await batch(400)); // counts 300 - 250 = 50 more: 300 of 700
    expect(await settled(waiting)).toBe(false);
    logs[1]!.append(await batch(400)); // counts 300: 600 of 700
    expect(await settled(waiting)).toBe(false);
    logs[1]!.append(await batch(400)); // still capped at 300
    expect(await settled(waiting)).toBe(false);
    purgatory.stop();
    await waiting;
  });

  it('waits on a replicated log for its high watermark, not for appends the ISR does not have yet', async () => {
    const log = logs[0]!;
    log.holdHighWatermark();
    const waiting = purgatory.awaitBytes(
      [{ log, readTo: log.endPosition(), bytesRead: 0, maxBytes: 1 << 20, highWatermark: log.highWatermark }],
      1,
      30_000,
    );
    log.append(await batch(400));
    expect(await settled(waiting)).toBe(false);
    log.advanceHighWatermark(1n);
    expect(await settled(waiting)).toBe(true);
  });

  it('counts at once the bytes appended between the read and the wait', async () => {
    const partitions = atTheirEnds();
    logs[0]!.append(await batch(600));
    await purgatory.awaitBytes(partitions, 500, 30_000);
    expect(purgatory.size).toBe(0);
  });

  it('completes at its deadline when minBytes never arrives, not before', async () => {
    const started = performance.now();
    const waiting = purgatory.awaitBytes(atTheirEnds(), 1000, 80);
    logs[0]!.append(await batch(100));
    await waiting;
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('leaves no timer and no watcher behind however it completes', async () => {
    const records = await batch(200);
    await withCountedTimers(async (pending) => {
      const byBytes = purgatory.awaitBytes(atTheirEnds(), 100, 30_000);
      expect(pending()).toBe(1);
      logs[0]!.append(records);
      await byBytes;
      expect(pending()).toBe(0);
      await purgatory.awaitBytes(atTheirEnds(), 100, 10);
      expect(pending()).toBe(0);
    });
    expect(purgatory.size).toBe(0);
    // A watcher left on a log would be told of this append and throw on its completed fetch.
    logs[0]!.append(await batch(200));
  });

  it('completes when one of its logs closes (a deleted partition), so the next read reports it', async () => {
    const waiting = purgatory.awaitBytes(atTheirEnds(), 1000, 30_000);
    await logs[0]!.close();
    expect(await settled(waiting)).toBe(true);
  });

  it('completes when a log it watches rolls to another segment, as Kafka does', async () => {
    const partitions = atTheirEnds();
    const waiting = purgatory.awaitBytes(partitions, 1 << 20, 30_000);
    while (logs[0]!.segmentBaseOffsets.length === 1) logs[0]!.append(await batch(3000));
    expect(await settled(waiting)).toBe(true);
  });

  it('stop completes every waiting fetch at once, and later fetches do not wait at all', async () => {
    const waiting = [
      purgatory.awaitBytes(atTheirEnds(), 1000, 30_000),
      purgatory.awaitBytes(atTheirEnds(), 1000, 30_000),
    ];
    expect(purgatory.size).toBe(2);
    purgatory.stop();
    await Promise.all(waiting);
    expect(purgatory.size).toBe(0);
    expect(await settled(purgatory.awaitBytes(atTheirEnds(), 1000, 30_000))).toBe(true);
  });
});
