import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogManager, type LogManagerOptions } from './log-manager.js';
import { batchOf, batchOfSize, readAll } from './test-support/batches.js';
import { ManualClock } from './test-support/manual-clock.js';
import { tempDir } from './test-support/temp-dir.js';

describe('LogManager', () => {
  let dir: { path: string; remove: () => void };
  let manager: LogManager;
  const clock = new ManualClock(1_000_000);

  const open = (options: LogManagerOptions = {}) => {
    manager = LogManager.open(dir.path, {
      retentionCheckIntervalMs: 0,
      flushCheckIntervalMs: 0,
      clock,
      ...options,
    });
    return manager;
  };

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await manager.close();
    dir.remove();
  });

  it('opensEveryPartitionDirectoryUnderTheDataDir', async () => {
    open();
    manager.getOrCreate('orders', 0).append(await batchOf([{ value: 'o0' }]));
    manager.getOrCreate('orders', 1).append(await batchOf([{ value: 'o1' }]));
    manager.getOrCreate('my-topic.v2', 12).append(await batchOf([{ value: 't' }]));
    await manager.close();
    writeFileSync(join(dir.path, 'meta.json'), '{}');
    mkdirSync(join(dir.path, 'not a partition'));
    open();
    expect(
      manager
        .all()
        .map(({ topic, partition }) => `${topic}/${partition}`)
        .sort(),
    ).toEqual(['my-topic.v2/12', 'orders/0', 'orders/1']);
    expect((await readAll(manager.get('orders', 1)!)).map((r) => r.value)).toEqual(['o1']);
    expect(manager.get('orders', 2)).toBeUndefined();
  });

  it('refusesTopicNamesThatAreNotLegalFileNames', () => {
    open();
    expect(() => manager.getOrCreate('../escape', 0)).toThrow(/not legal/);
    expect(() => manager.getOrCreate('x'.repeat(250), 0)).toThrow(/1 to 249/);
    expect(() => manager.getOrCreate('ok', -1)).toThrow(/partition -1/);
  });

  it('topicConfigOverridesTheDefaults', () => {
    open({
      defaults: { segmentBytes: 5000 },
      topicConfig: (topic) => (topic === '__consumer_offsets' ? { cleanupPolicy: 'compact' } : undefined),
    });
    expect(manager.getOrCreate('__consumer_offsets', 0).config).toMatchObject({
      cleanupPolicy: 'compact',
      segmentBytes: 5000,
    });
    expect(manager.getOrCreate('orders', 0).config).toMatchObject({
      cleanupPolicy: 'delete',
      segmentBytes: 5000,
    });
  });

  it('maintenanceAppliesRetentionAndCompactsDirtyCompactedLogs', async () => {
    open({
      defaults: { segmentBytes: 300, retentionMs: 60_000 },
      topicConfig: (topic) => (topic === 'state' ? { cleanupPolicy: 'compact' } : undefined),
    });
    const events = manager.getOrCreate('events', 0);
    const state = manager.getOrCreate('state', 0);
    for (let i = 0; i < 10; i++) {
      events.append(await batchOfSize(1, 100, `e${i}`, BigInt(clock.now())));
      state.append(
        await batchOf([{ key: `k${i % 2}`, value: `s${i}`.padEnd(100, '.') }], {
          timestamp: BigInt(clock.now()),
        }),
      );
    }
    let report = await manager.runMaintenance();
    expect(report.segmentsDeleted).toBe(0);
    expect([...report.compactions.keys()]).toEqual(['state-0']);
    clock.advance(60_001);
    report = await manager.runMaintenance();
    expect(report.segmentsDeleted).toBeGreaterThan(0);
    expect(report.compactions.size).toBe(0);
    expect(events.logStartOffset).toBeGreaterThan(0n);
    expect(state.logStartOffset).toBe(0n);
  });

  it('flushDueLogsFlushesLogsWhoseFlushMsHasPassed', async () => {
    open({ defaults: { flushMs: 1000 } });
    const log = manager.getOrCreate('orders', 0);
    log.append(await batchOf([{ value: 'a' }]));
    await manager.flushDueLogs();
    expect(log.recoveryPoint).toBe(0n);
    clock.advance(1000);
    await manager.flushDueLogs();
    expect(log.recoveryPoint).toBe(1n);
  });

  it('deleteClosesTheLogAndRemovesItsDirectory', async () => {
    open();
    const log = manager.getOrCreate('gone', 3);
    await manager.delete('gone', 3);
    expect(existsSync(log.dir)).toBe(false);
    expect(manager.get('gone', 3)).toBeUndefined();
    expect(readdirSync(dir.path)).toEqual([]);
  });
});
