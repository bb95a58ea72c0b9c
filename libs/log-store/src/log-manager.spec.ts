import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

  it('markForDeletionClosesTheLogAndRenamesItsDirectoryAsKafkaDoes', async () => {
    open();
    const log = manager.getOrCreate('gone', 3);
    log.append(await batchOf([{ value: 'x' }]));
    const marked = await manager.markForDeletion('gone', 3);
    expect(marked).toMatch(/^gone-3\.[0-9a-f]{32}-delete$/);
    expect(existsSync(log.dir)).toBe(false);
    expect(manager.get('gone', 3)).toBeUndefined();
    expect(readdirSync(dir.path)).toEqual([marked]);
    expect(() => log.read(0n, 100)).toThrow(/closed/);
    manager.removeMarkedForDeletion([marked!]);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('markForDeletionRemovesThePartitionThatCouldNotBeOpened', async () => {
    open();
    manager.getOrCreate('damaged', 0);
    await manager.close();
    const segment = join(dir.path, 'damaged-0', '00000000000000000000.log');
    rmSync(segment);
    mkdirSync(segment);
    open();
    expect(() => manager.get('damaged', 0)).toThrow(/KAFKA_STORAGE_ERROR/);
    const marked = await manager.markForDeletion('damaged', 0);
    manager.removeMarkedForDeletion([marked!]);
    expect(readdirSync(dir.path)).toEqual([]);
    expect(manager.get('damaged', 0)).toBeUndefined();
  });

  it('openRemovesDirectoriesMarkedForDeletionAndNeverOpensThem', async () => {
    open();
    manager.getOrCreate('kept', 0).append(await batchOf([{ value: 'k' }]));
    manager.getOrCreate('gone', 0).append(await batchOf([{ value: 'g' }]));
    await manager.markForDeletion('gone', 0);
    await manager.close();
    open();
    expect(readdirSync(dir.path)).toEqual(['kept-0']);
    expect(manager.all().map(({ topic }) => topic)).toEqual(['kept']);
  });

  it('finishInterruptedDeletionsRenamesTheRestOfATopicAlreadyPartlyRenamed', async () => {
    open();
    for (const p of [0, 1, 2]) manager.getOrCreate('half', p);
    manager.getOrCreate('whole', 0);
    await manager.markForDeletion('half', 1);
    await manager.close();
    const known = [
      { name: 'half', partitions: 3 },
      { name: 'whole', partitions: 1 },
    ];
    expect(LogManager.finishInterruptedDeletions(dir.path, known)).toEqual(['half']);
    const names = readdirSync(dir.path);
    expect(names.filter((n) => n.startsWith('half-') && n.endsWith('-delete'))).toHaveLength(3);
    expect(names).toContain('whole-0');
    expect(LogManager.finishInterruptedDeletions(dir.path, known)).toEqual(['half']);
    open();
    expect(readdirSync(dir.path)).toEqual(['whole-0']);
  });

  it('finishInterruptedDeletionsLeavesATopicWhosePartitionsAllHaveTheirDirectories', async () => {
    open();
    manager.getOrCreate('again', 0);
    const old = await manager.markForDeletion('again', 0);
    manager.getOrCreate('again', 0);
    await manager.close();
    expect(LogManager.finishInterruptedDeletions(dir.path, [{ name: 'again', partitions: 1 }])).toEqual([]);
    expect(readdirSync(dir.path).sort()).toEqual(['again-0', old].sort());
  });

  it('deleteDirectoryNamesOfLongTopicsStayWithin255CharactersAndAreStillFound', async () => {
    const long = 't'.repeat(249);
    open();
    manager.getOrCreate(long, 7);
    const marked = await manager.markForDeletion(long, 7);
    expect(marked!.length).toBe(255);
    expect(marked!.endsWith(`-7.${marked!.slice(-39, -7)}-delete`)).toBe(true);
    manager.getOrCreate(long, 8);
    await manager.close();
    expect(LogManager.finishInterruptedDeletions(dir.path, [{ name: long, partitions: 9 }])).toEqual([long]);
    open();
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('strayPartitionDirectoriesAreSetAsideUnopened', async () => {
    open();
    manager.getOrCreate('known', 0).append(await batchOf([{ value: 'k' }]));
    manager.getOrCreate('known', 1).append(await batchOf([{ value: 'beyond the count' }]));
    manager.getOrCreate('unknown', 0).append(await batchOf([{ value: 'u' }]));
    await manager.close();
    const before = readdirSync(join(dir.path, 'unknown-0')).sort();
    open({ isKnownPartition: (topic, partition) => topic === 'known' && partition === 0 });
    expect(manager.all().map(({ topic, partition }) => `${topic}-${partition}`)).toEqual(['known-0']);
    expect(manager.strayDirs.map(({ topic, partition }) => `${topic}-${partition}`).sort()).toEqual([
      'known-1',
      'unknown-0',
    ]);
    const stray = manager.strayDirs.find((s) => s.topic === 'unknown')!;
    expect(stray.dirName).toMatch(/^unknown-0\.[0-9a-f]{32}-stray$/);
    expect(readdirSync(join(dir.path, stray.dirName)).sort()).toEqual(before);
    await manager.close();
    open();
    expect(manager.all().map(({ topic, partition }) => `${topic}-${partition}`)).toEqual(['known-0']);
  });
});
