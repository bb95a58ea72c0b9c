import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Every child this process started and has not seen exit: killed on exit, whatever happens. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Without a handler these signals end the process without 'exit', leaving the children running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** How long a child may take to say it is ready, and to exit once told to stop. */
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
/** Lines of a child's output kept for the error that reports its failure. */
const TAIL_LINES = 40;

/** Spawns a child that `running` will kill if this process exits first. */
export function spawnTracked(command: string, args: readonly string[], stdin: 'pipe' | 'ignore' = 'ignore') {
  const child = spawn(command, args, { stdio: [stdin, 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** A command and its arguments, for error messages. */
export const commandLine = (command: string, args: readonly string[]): string => [command, ...args].join(' ');

/** The path of `command` on PATH (or as given, when it has a slash), or undefined when not executable there. */
export function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A server child that announced it is ready. */
export interface Server<T> {
  child: ChildProcess;
  /** What `ready` made of the line that said the server is ready (its port, usually). */
  ready: T;
  /** The last lines it wrote, for error messages. */
  tail(): string;
  /** Stops it: SIGTERM, then SIGKILL if it has not exited after `graceMs` (default 5 s). Resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command` and resolves once `ready` returns something for a line of its stdout or
 * stderr (it returns undefined for every other line); `onLine` sees every line, before and after.
 * Rejects,
 * with the child killed and its last lines in the message, if it exits or errs first or has not
 * matched within READY_TIMEOUT_MS. Its output is read to the end either way, so a chatty child
 * never blocks on a full pipe.
 */
export function startServer<T>(
  command: string,
  args: readonly string[],
  ready: (line: string) => T | undefined,
  onLine: (line: string) => void = () => undefined,
): Promise<Server<T>> {
  const child = spawnTracked(command, args);
  const lines: string[] = [];
  const tail = () => lines.join('\n');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
  const stop = async (graceMs = STOP_TIMEOUT_MS) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Server<T>>((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${commandLine(command, args)} ${why}; its last output:\n${tail()}`));
    };
    const timer = setTimeout(
      () => fail(`did not say it was ready within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    const read = (line: string) => {
      onLine(line);
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (settled) return;
      const match = ready(line);
      if (match === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, ready: match, tail, stop });
    };
    createInterface({ input: child.stdout! }).on('line', read);
    createInterface({ input: child.stderr! }).on('line', read);
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
  });
}

/**
 * Runs `command` to its end and resolves with its exit code and the last lines of its stderr;
 * each stdout chunk goes to `onStdout`. Killed (SIGKILL, so `signal` says so) if it has not exited
 * after `timeoutMs`. Rejects only if it cannot be started.
 */
export function runToExit(
  command: string,
  args: readonly string[],
  onStdout: (chunk: Buffer) => void,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawnTracked(command, args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.once('close', () => clearTimeout(timer));
  const stderr: string[] = [];
  child.stdout!.on('data', onStdout);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > TAIL_LINES) stderr.shift();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr: stderr.join('\n') }));
  });
}

/** A TCP port free on 127.0.0.1 a moment ago, for servers that cannot pick their own and report it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The first capture group of `pattern` in `line` as a port number, or undefined. */
export const portIn =
  (pattern: RegExp) =>
  (line: string): number | undefined => {
    const match = pattern.exec(line);
    return match === null ? undefined : Number(match[1]);
  };
