import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaStorageError } from './errors.js';
import { LogManager } from './log-manager.js';
import { PartitionLog } from './partition-log.js';
import { batchOf, readAll } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

/** Replaces a file of a closed log with /dev/full, where every write fails with ENOSPC: a real full disk. */
function onFullDisk(dir: string, file: string): void {
  rmSync(join(dir, file));
  symlinkSync('/dev/full', join(dir, file));
}

describe('storage faults', () => {
  let dir: { path: string; remove: () => void };

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  const closedLog = async (name: string, values: string[] = []): Promise<string> => {
    const log = PartitionLog.open(join(dir.path, name), { indexIntervalBytes: 0 });
    for (const value of values) log.append(await batchOf([{ value }]));
    await log.close();
    return log.dir;
  };

  it('appendOnAFullDiskTakesTheLogOfflineNamingTheFile', async () => {
    const logDir = await closedLog('orders-0');
    onFullDisk(logDir, '00000000000000000000.log');
    const offline: KafkaStorageError[] = [];
    const log = PartitionLog.open(logDir, { onOffline: (error) => offline.push(error) });
    // A waiter past the batch: the append itself wakes waiters at 0 before its write fails.
    const waiting = log.waitForAppend(1n).catch((error: unknown) => error);
    const batch = await batchOf([{ value: 'a' }]);
    // The offset is assigned at once; the write, at the end of the turn, fails.
    expect(log.append(batch).baseOffset).toBe(0n);
    const written = log.whenWritten();
    await expect(written).rejects.toThrow(KafkaStorageError);
    await expect(written).rejects.toBe(offline[0]);
    expect(offline).toHaveLength(1);
    expect(offline[0]!.message).toMatch(
      new RegExp(
        `KAFKA_STORAGE_ERROR \\(56\\): write ${logDir}/00000000000000000000.log \\(${batch.length} bytes at position 0\\) failed: ENOSPC`,
      ),
    );
    expect(offline[0]!.code).toBe(56);
    expect(await waiting).toBe(offline[0]);
    expect(log.isOffline).toBe(true);
    expect(() => log.read(0n, 100)).toThrow(/is offline after: .*ENOSPC/);
    expect(() => log.append(batch)).toThrow(expect.objectContaining({ cause: offline[0] }));
    await expect(log.whenWritten()).rejects.toThrow(expect.objectContaining({ cause: offline[0] }));
    await log.close();
  });

  it('aFailedLeaderEpochCheckpointWriteAppendsNothingAndTakesTheLogOffline', async () => {
    const logDir = await closedLog('orders-0');
    const offline: KafkaStorageError[] = [];
    const log = PartitionLog.open(logDir, { onOffline: (error) => offline.push(error) });
    // The checkpoint is replaced through its temporary file: on a full disk, that write fails.
    symlinkSync('/dev/full', join(logDir, 'leader-epoch-checkpoint.tmp'));
    const batch = await batchOf([{ value: 'a' }]);
    expect(() => log.append(batch, 3)).toThrow(KafkaStorageError);
    expect(offline).toHaveLength(1);
    expect(offline[0]!.message).toMatch(
      new RegExp(
        `KAFKA_STORAGE_ERROR \\(56\\): write ${logDir}/leader-epoch-checkpoint\\.tmp .*failed: ENOSPC`,
      ),
    );
    expect(log.logEndOffset).toBe(0n);
    expect(log.leaderEpochs.latestEpoch).toBe(-1);
    await log.whenWritten().catch(() => undefined);
    await log.close();
    rmSync(join(logDir, 'leader-epoch-checkpoint.tmp'));
    // Nothing of the batch reached the segment: the log opens again empty.
    const reopened = PartitionLog.open(logDir);
    expect(reopened.logEndOffset).toBe(0n);
    expect(statSync(join(logDir, '00000000000000000000.log')).size).toBe(0);
    await reopened.close();
  });

  it('aLeaderEpochCheckpointThatDoesNotParseKeepsTheLogFromOpeningNamingTheFile', async () => {
    const logDir = await closedLog('orders-0', ['a']);
    writeFileSync(join(logDir, 'leader-epoch-checkpoint'), '0\n2\n0 0\n');
    expect(() => PartitionLog.open(logDir)).toThrow(
      expect.objectContaining({
        code: 56,
        message: expect.stringMatching(
          new RegExp(`leader epoch checkpoint ${logDir}/leader-epoch-checkpoint does not parse`),
        ),
      }),
    );
  });

  it('aFailedIndexWriteDuringFlushTakesTheLogOffline', async () => {
    const logDir = await closedLog('orders-1');
    onFullDisk(logDir, '00000000000000000000.index');
    const offline: KafkaStorageError[] = [];
    const log = PartitionLog.open(logDir, {
      indexIntervalBytes: 0,
      onOffline: (error) => offline.push(error),
    });
    log.append(await batchOf([{ value: 'a' }]));
    log.append(await batchOf([{ value: 'b' }]));
    await expect(log.flush()).rejects.toThrow(
      /write .*00000000000000000000\.index \(8 bytes at position 0\) failed: ENOSPC/,
    );
    expect(offline).toHaveLength(1);
    expect(log.recoveryPoint).toBe(0n);
    expect(() => log.flush()).toThrow(/offline/);
    await log.close();
  });

  it('anUnreadablePartitionIsOfflineWhileTheOthersOpen', async () => {
    await closedLog('good-0', ['kept']);
    const badDir = await closedLog('bad-0', ['lost']);
    rmSync(join(badDir, '00000000000000000000.log'));
    mkdirSync(join(badDir, '00000000000000000000.log'));
    const reported: string[] = [];
    const manager = LogManager.open(dir.path, {
      retentionCheckIntervalMs: 0,
      flushCheckIntervalMs: 0,
      onOffline: (topic, partition, error) => reported.push(`${topic}-${partition}: ${error.message}`),
    });
    expect(reported).toEqual([
      expect.stringMatching(/^bad-0: .*open .*bad-0\/00000000000000000000\.log.*EISDIR/),
    ]);
    expect(() => manager.get('bad', 0)).toThrow(KafkaStorageError);
    expect((await readAll(manager.get('good', 0)!)).map((r) => r.value)).toEqual(['kept']);
    await manager.close();
  });
});
