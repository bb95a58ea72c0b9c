import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { PartitionLog } from '@runnel/log-store';
import { ErrorCode, encodeRecordBatch } from '@runnel/protocol';
import { awaitDurable, GroupCommitWindow } from './group-commit-window.js';

const batch = () => encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: 1 }] });

describe('GroupCommitWindow', () => {
  let logs: [PartitionLog, PartitionLog];
  let windows: GroupCommitWindow[];
  const open = (windowMs: number) => {
    const window = new GroupCommitWindow(windowMs);
    windows.push(window);
    return window;
  };

  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'runnel-group-commit-'));
    logs = [PartitionLog.open(join(dir, 'a-0')), PartitionLog.open(join(dir, 'a-1'))];
    windows = [];
  });
  afterEach(async () => {
    for (const window of windows) window.stop();
    await Promise.all(logs.map((log) => log.close()));
  });

  it('gives the requests of one window a single flush per log, which makes all their appends durable', async () => {
    const [a, b] = logs;
    const flushes = [jest.spyOn(a, 'flush'), jest.spyOn(b, 'flush')];
    const window = open(20);
    const batches = await Promise.all(Array.from({ length: 6 }, batch));
    const waiting: Promise<void>[] = [];
    for (let request = 0; request < 4; request++) {
      a.append(batches.pop()!);
      waiting.push(window.durable(a));
      if (request % 2 === 0) {
        b.append(batches.pop()!);
        waiting.push(window.durable(b));
      }
    }
    await Promise.all(waiting);
    expect(flushes.map((flush) => flush.mock.calls.length)).toEqual([1, 1]);
    expect([a.recoveryPoint, b.recoveryPoint]).toEqual([4n, 2n]);
  });

  it('opens a new window for a request that comes after the last one closed', async () => {
    const [a] = logs;
    const flush = jest.spyOn(a, 'flush');
    const window = open(5);
    a.append(await batch());
    await window.durable(a);
    a.append(await batch());
    await window.durable(a);
    expect(flush).toHaveBeenCalledTimes(2);
    expect(a.recoveryPoint).toBe(2n);
  });

  it('flushes at once when the window is 0 ms', async () => {
    const [a] = logs;
    const flush = jest.spyOn(a, 'flush');
    const window = open(0);
    a.append(await batch());
    const durable = window.durable(a);
    expect(flush).toHaveBeenCalledTimes(1);
    await durable;
    expect(a.recoveryPoint).toBe(1n);
  });

  it('flushes the open window as soon as it is stopped', async () => {
    const [a] = logs;
    const window = open(60_000);
    a.append(await batch());
    const durable = window.durable(a);
    window.stop();
    await durable;
    expect(a.recoveryPoint).toBe(1n);
  });

  it('rejects the waiters of a log closed before its flush', async () => {
    const [a] = logs;
    const window = open(60_000);
    a.append(await batch());
    const durable = window.durable(a);
    await a.close();
    window.stop();
    await expect(durable).rejects.toThrow(/closed/);
  });
});

describe('awaitDurable', () => {
  let log: PartitionLog;
  let window: GroupCommitWindow;

  beforeEach(async () => {
    log = PartitionLog.open(join(mkdtempSync(join(tmpdir(), 'runnel-durable-')), 'a-0'));
    log.append(await batch());
  });
  afterEach(async () => {
    window.stop();
    await log.close();
  });

  it('reports nothing once every log is fsynced', async () => {
    window = new GroupCommitWindow(1);
    await expect(awaitDurable(window, new Set([log]), 30_000)).resolves.toEqual(new Map());
    expect(log.recoveryPoint).toBe(1n);
  });

  it('times out the logs whose flush outlasts timeoutMs, leaving their records appended', async () => {
    window = new GroupCommitWindow(60_000);
    const started = performance.now();
    const notDurable = await awaitDurable(window, new Set([log]), 30);
    expect(notDurable).toEqual(new Map([[log, ErrorCode.REQUEST_TIMED_OUT]]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(log.logEndOffset).toBe(1n);
  });

  it('times out at once with a timeoutMs of 0', async () => {
    window = new GroupCommitWindow(0);
    await expect(awaitDurable(window, new Set([log]), 0)).resolves.toEqual(
      new Map([[log, ErrorCode.REQUEST_TIMED_OUT]]),
    );
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a log closed (its topic deleted) before the flush', async () => {
    window = new GroupCommitWindow(0);
    await log.close();
    await expect(awaitDurable(window, new Set([log]), 30_000)).resolves.toEqual(
      new Map([[log, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]),
    );
  });
});
