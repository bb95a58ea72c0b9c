import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock, DataDirLockedError } from './data-dir-lock.js';
import { tempDir } from './test-support/temp-dir.js';

/** The pid of a process that has exited: no process has it now (until the pid is recycled). */
function pidOfAnExitedProcess(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('DataDirLock', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => {
    dir = tempDir('data-dir-lock-');
  });
  afterEach(() => dir.remove());

  it('writesTheOwnersPidAndRefusesASecondAcquireWhileHeld', () => {
    const lock = DataDirLock.acquire(dir.path);
    expect(JSON.parse(readFileSync(join(dir.path, '.lock'), 'utf8')).pid).toBe(process.pid);
    let refusal: unknown;
    try {
      DataDirLock.acquire(dir.path);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect(refusal).toMatchObject({
      dataDir: dir.path,
      ownerPid: process.pid,
      message: `data directory ${dir.path} is locked by process ${process.pid} (${join(dir.path, '.lock')})`,
    });
    expect(readdirSync(dir.path)).toEqual(['.lock']);
    lock.release();
    expect(existsSync(join(dir.path, '.lock'))).toBe(false);
    DataDirLock.acquire(dir.path).release();
  });

  it('takesOverALockWhoseOwnerIsGone', () => {
    const dead = pidOfAnExitedProcess();
    writeFileSync(join(dir.path, '.lock'), `${JSON.stringify({ pid: dead, nonce: 'n' })}\n`);
    const lock = DataDirLock.acquire(dir.path);
    expect(JSON.parse(readFileSync(join(dir.path, '.lock'), 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir.path)).toEqual(['.lock']);
    lock.release();
  });

  it('takesOverALockNamingARecycledPid', () => {
    // This process's pid, but another process start: the owner ran before this process did.
    const recycled = { pid: process.pid, processStart: 'another-boot:1', nonce: 'n' };
    writeFileSync(join(dir.path, '.lock'), `${JSON.stringify(recycled)}\n`);
    const lock = DataDirLock.acquire(dir.path);
    expect(JSON.parse(readFileSync(join(dir.path, '.lock'), 'utf8')).processStart).not.toBe(
      recycled.processStart,
    );
    lock.release();
  });

  it('takesOverALockFileThatNamesNoOwner', () => {
    writeFileSync(join(dir.path, '.lock'), '');
    DataDirLock.acquire(dir.path).release();
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('takesOverAStaleLockWhoseTakeoverWasInterruptedByACrash', () => {
    const dead = pidOfAnExitedProcess();
    const stale = `${JSON.stringify({ pid: dead, nonce: 'stale' })}\n`;
    writeFileSync(join(dir.path, '.lock'), stale);
    // A process that died holding the claim on that stale lock left this behind.
    const claim = `.lock.${createHash('sha256').update(stale).digest('hex').slice(0, 16)}.takeover`;
    writeFileSync(join(dir.path, claim), `${JSON.stringify({ pid: dead, nonce: 'claim' })}\n`);
    const lock = DataDirLock.acquire(dir.path);
    expect(JSON.parse(readFileSync(join(dir.path, '.lock'), 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir.path)).toEqual(['.lock']);
    lock.release();
  });

  it('releaseLeavesALockThatIsNoLongerItsOwn', () => {
    const lock = DataDirLock.acquire(dir.path);
    const other = `${JSON.stringify({ pid: process.pid, nonce: 'someone else' })}\n`;
    writeFileSync(join(dir.path, '.lock'), other);
    lock.release();
    expect(readFileSync(join(dir.path, '.lock'), 'utf8')).toBe(other);
  });
});
