import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from './log-file-names.js';

/** Another live process holds the lock of a data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    /** The pid the lock file names. */
    readonly ownerPid: number,
  ) {
    super(`data directory ${dataDir} is locked by process ${ownerPid} (${lockFile})`);
  }
}

/** Who holds a lock file: its content, one line of JSON. */
interface LockOwner {
  pid: number;
  /** Boot id and start time of the process, where the system tells them (Linux), so a recycled pid is not taken for the owner. */
  processStart?: string;
  /** Makes every lock file's content unique, so that comparing contents compares locks. */
  nonce: string;
}

/** How often and how long a start waits while another process takes over a stale lock. */
const CONTENDED_RETRIES = 200;
const CONTENDED_WAIT_MS = 5;
/** A claim on a claim exists only after a crash in the middle of a takeover; more levels mean something else is wrong. */
const MAX_CLAIM_DEPTH = 4;

/**
 * The exclusive lock of a data directory (Kafka's `.lock`): one process at a time opens the logs
 * under it. Node has no flock, so the lock is a file, `<data-dir>/.lock`, whose content names the
 * owner (pid, process start, a nonce), and which exists only while the owner holds it.
 *
 * Taking it: the content is written to a temporary file, which is hard-linked to `.lock`; a link
 * fails if `.lock` exists, so of two processes only one creates it, and nobody ever reads a lock
 * file half written. An existing `.lock` whose owner is alive (`kill(pid, 0)` finds the pid and,
 * on Linux, `/proc` gives it the same boot id and start time) refuses the start. One whose owner
 * is gone (SIGKILL, power loss, a recycled pid) is stale and is taken over: removing it is
 * reserved to the process that creates the claim file `.lock.<hash of its content>.takeover`
 * (by the same exclusive link, recursively, so a claimant that died is taken over in turn); the
 * claimant checks that `.lock` still holds that content, removes it, drops its claim and tries to
 * link its own again. Contents are unique, so a claim can only ever remove the stale lock it was
 * made for, and two processes starting together never both win.
 *
 * Released by `release()`, which removes `.lock` only if it is still this lock.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    private readonly content: string,
  ) {}

  /** Takes the lock of an existing directory; throws DataDirLockedError when a live process holds it. */
  static acquire(dataDir: string): DataDirLock {
    const lockFile = join(dataDir, LOCK_FILE);
    try {
      return new DataDirLock(dataDir, lockFile, claim(lockFile, 0));
    } catch (error) {
      if (error instanceof HeldError) throw new DataDirLockedError(dataDir, lockFile, error.ownerPid);
      throw error;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (readIfExists(this.lockFile) === this.content) fs.rmSync(this.lockFile, { force: true });
  }
}

/** A live process holds the file; internal to `claim`, which recurses through claim files. */
class HeldError extends Error {
  constructor(readonly ownerPid: number) {
    super(`held by process ${ownerPid}`);
  }
}

/** Creates `path` holding this process's identity; returns that content. */
function claim(path: string, depth: number): string {
  if (depth > MAX_CLAIM_DEPTH) {
    throw new Error(`cannot take over ${path}: ${depth} nested takeover claims were left by crashes`);
  }
  const content = `${JSON.stringify(ownIdentity())}\n`;
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    if (createExclusive(path, content)) return content;
    const held = readIfExists(path);
    if (held === undefined) continue;
    const owner = parseOwner(held);
    if (owner !== undefined && isAlive(owner)) throw new HeldError(owner.pid);
    const claimPath = `${path}.${createHash('sha256').update(held).digest('hex').slice(0, 16)}.takeover`;
    let claimed: string;
    try {
      claimed = claim(claimPath, depth + 1);
    } catch (error) {
      if (!(error instanceof HeldError)) throw error;
      sleep(CONTENDED_WAIT_MS);
      continue;
    }
    try {
      if (readIfExists(path) === held) fs.rmSync(path, { force: true });
    } finally {
      if (readIfExists(claimPath) === claimed) fs.rmSync(claimPath, { force: true });
    }
  }
  throw new Error(`cannot take ${path}: other processes kept changing it for ${CONTENDED_RETRIES} attempts`);
}

/** Links a fully written temporary file to `path`; false when `path` exists. */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { flag: 'wx' });
  try {
    fs.linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function ownIdentity(): LockOwner {
  const processStart = processStartOf(process.pid);
  return {
    pid: process.pid,
    ...(processStart === undefined ? {} : { processStart }),
    nonce: randomBytes(16).toString('hex'),
  };
}

/** What a lock file says; undefined when it is not one of ours (it is then stale). */
function parseOwner(content: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(content) as Partial<LockOwner>;
    if (!Number.isInteger(parsed.pid) || (parsed.pid ?? 0) <= 0 || typeof parsed.nonce !== 'string') {
      return undefined;
    }
    return parsed as LockOwner;
  } catch {
    return undefined;
  }
}

/** Whether the process a lock names is still running; EPERM means it runs as another user. */
function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (owner.processStart === undefined) return true;
  const now = processStartOf(owner.pid);
  return now === undefined || now === owner.processStart;
}

/**
 * `<boot id>:<start time in clock ticks since boot>` of a process (field 22 of
 * `/proc/<pid>/stat`), or undefined where there is no such /proc (the pid alone then decides).
 */
function processStartOf(pid: number): string | undefined {
  try {
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19];
    return startTime === undefined ? undefined : `${bootId}:${startTime}`;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
