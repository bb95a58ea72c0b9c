import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { KafkaStorageError } from './errors.js';

/**
 * The one place where the log store touches the file system. Every call either succeeds or throws
 * a {@link KafkaStorageError} naming the operation, the file and the values involved (`write
 * 00000000000000000000.log at position 4096 (16384 bytes) failed: ENOSPC ...`). Nothing here
 * retries or guesses: the caller (PartitionLog) takes its log offline on the first such error.
 *
 * Writes, truncation and the reads of recovery, cleaning and lookups are synchronous: on the page
 * cache they cost microseconds, less than a hop to libuv's thread pool, and they keep the order of
 * appends and reads trivially consistent on the event loop. fsync, which waits for the disk, and
 * the reads that answer fetches (readAtAsync), which may miss the page cache, are asynchronous,
 * so neither blocks the loop.
 */
function fail(operation: string, path: string, values: string, cause: unknown): KafkaStorageError {
  // Not `instanceof Error`: errors from another realm (a vm context, a worker) fail that test.
  const reason =
    typeof cause === 'object' && cause !== null && 'message' in cause ? String(cause.message) : String(cause);
  const detail = values === '' ? '' : ` (${values})`;
  return new KafkaStorageError(`${operation} ${path}${detail} failed: ${reason}`, path, { cause });
}

function attempt<T>(operation: string, path: string, values: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw fail(operation, path, values, cause);
  }
}

/** Opens (and with `create`, creates) a file for reading and writing. */
export function openFile(path: string, create: boolean): number {
  const flags = fs.constants.O_RDWR | (create ? fs.constants.O_CREAT : 0);
  return attempt('open', path, create ? 'create' : '', () => fs.openSync(path, flags));
}

export function closeFile(fd: number, path: string): void {
  attempt('close', path, '', () => fs.closeSync(fd));
}

export function fileSize(fd: number, path: string): number {
  return attempt('stat', path, '', () => fs.fstatSync(fd).size);
}

/** Reads up to `length` bytes at `position` into `buf` at `offset`; returns how many were read. */
export function readAt(
  fd: number,
  path: string,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): number {
  // try/catch in place rather than attempt(): this is the hot path, and the message is built only on failure.
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  } catch (cause) {
    throw fail('read', path, `${length} bytes at position ${position}`, cause);
  }
}

/**
 * As readAt, on libuv's thread pool: a read that misses the page cache waits there, not on the
 * event loop. Resolves with how many bytes were read (fewer than `length` only at the file's end).
 */
export function readAtAsync(
  fd: number,
  path: string,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const next = (cause: NodeJS.ErrnoException | null, n: number): void => {
      if (cause !== null) {
        reject(fail('read', path, `${length} bytes at position ${position}`, cause));
        return;
      }
      done += n;
      if (n === 0 || done >= length) resolve(done);
      else fs.read(fd, buf, offset + done, length - done, position + done, next);
    };
    fs.read(fd, buf, offset, length, position, next);
  });
}

/** Writes all of `buf[offset, offset + length)` at `position`. A short write is an error. */
export function writeAt(
  fd: number,
  path: string,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): void {
  try {
    let done = fs.writeSync(fd, buf, offset, length, position);
    while (done < length) done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
  } catch (cause) {
    throw fail('write', path, `${length} bytes at position ${position}`, cause);
  }
}

/** Most buffers one writev takes (Linux's IOV_MAX). */
const IOV_MAX = 1024;

/**
 * Writes `buffers` (`length` bytes in all) back to back from `position`, with as few writev calls
 * as the kernel allows; a short write continues where it stopped. A failure names the file, the
 * byte count and the position.
 */
export function writevAt(
  fd: number,
  path: string,
  buffers: readonly Buffer[],
  length: number,
  position: number,
): void {
  try {
    let done = 0;
    let first = 0;
    let skip = 0;
    while (done < length) {
      const batch = buffers.slice(first, first + IOV_MAX);
      if (skip > 0) batch[0] = batch[0]!.subarray(skip);
      let written = fs.writevSync(fd, batch, position + done);
      done += written;
      // Step past the buffers written whole; a partly written one is resumed from its offset.
      written += skip;
      skip = 0;
      while (first < buffers.length && written >= buffers[first]!.length) written -= buffers[first++]!.length;
      skip = written;
    }
  } catch (cause) {
    throw fail('write', path, `${length} bytes at position ${position}`, cause);
  }
}

export function truncateFile(fd: number, path: string, size: number): void {
  attempt('truncate', path, `to ${size} bytes`, () => fs.ftruncateSync(fd, size));
}

export function syncFile(fd: number, path: string): void {
  attempt('fsync', path, '', () => fs.fdatasyncSync(fd));
}

/** fdatasync on libuv's thread pool. */
export function syncFileAsync(fd: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fdatasync(fd, (cause) => (cause === null ? resolve() : reject(fail('fsync', path, '', cause))));
  });
}

/** Makes renames and deletions in `dir` durable. */
export function syncDir(dir: string): void {
  attempt('fsync directory', dir, '', () => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
}

export function renameFile(from: string, to: string): void {
  attempt('rename', from, `to ${to}`, () => fs.renameSync(from, to));
}

/** Removes a file; one that is already gone is not an error. */
export function deleteFile(path: string): void {
  attempt('delete', path, '', () => fs.rmSync(path, { force: true }));
}

export function deleteDir(path: string): void {
  attempt('delete directory', path, '', () => fs.rmSync(path, { recursive: true, force: true }));
}

export function fileExists(path: string): boolean {
  return attempt('stat', path, '', () => fs.existsSync(path));
}

export function makeDir(dir: string): void {
  attempt('create directory', dir, '', () => fs.mkdirSync(dir, { recursive: true }));
}

/** Names of the entries of a directory, sorted. */
export function listDir(dir: string): string[] {
  return attempt('list', dir, '', () => fs.readdirSync(dir).sort());
}

/** Names of the subdirectories of a directory, sorted. */
export function listSubdirs(dir: string): string[] {
  return attempt('list', dir, '', () =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort(),
  );
}

/** The whole content of a small file, or undefined if it does not exist. */
export function readSmallFile(path: string): string | undefined {
  return attempt('read', path, '', () => (fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined));
}

/**
 * Replaces `path` with `content` so that after a crash it holds either the old or the new content:
 * write `tempPath`, fsync it, rename it over `path`, fsync the directory.
 */
export function writeFileAtomically(path: string, tempPath: string, content: string): void {
  attempt('write', tempPath, `${content.length} bytes`, () => {
    const fd = fs.openSync(tempPath, 'w');
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
  renameFile(tempPath, path);
  syncDir(dirname(path));
}
