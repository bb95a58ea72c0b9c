import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@runnel/broker';
import type { CliIo } from '../../src/cli-io.js';
import { runCli } from '../../src/run-cli.js';

export interface TestBroker {
  readonly broker: RunningBroker;
  readonly bootstrap: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real embedded broker on a free port, no HTTP, a fresh temp data dir removed by `close()`. */
export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runnel-cli-'));
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    logger: false,
    groupInitialRebalanceDelayMs: 0,
    dataDir,
  });
  return {
    broker,
    bootstrap: broker.bootstrapServers,
    dataDir,
    close: async () => {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `runnel <argv>` in this process with in-memory streams: `stdin` is what the command reads,
 * `interrupt` (when given) stands for the user's Ctrl-C.
 */
export async function runnel(
  argv: readonly string[],
  options: {
    /** Text, or a stream the spec writes to as it goes. */
    stdin?: string | Readable;
    interrupt?: Promise<void>;
    stderrIsTTY?: boolean;
    /** Called with everything written to stdout so far, after each write. */
    onStdout?: (text: string) => void;
  } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    options.onStdout?.(Buffer.concat(out).toString('utf8'));
  });
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const io: CliIo = {
    stdin:
      typeof options.stdin === 'object'
        ? options.stdin
        : Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    env: {},
    stderrIsTTY: options.stderrIsTTY ?? false,
    interrupted: options.interrupt ?? new Promise(() => undefined),
  };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The committed bin, which loads the build: `npx nx build @runnel/cli` must have run. */
export const BIN = fileURLToPath(new URL('../../bin/runnel.js', import.meta.url));

/** Runs the built bin as a child process, `stdin` written to it and closed. */
export function runBin(
  argv: readonly string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(stdin);
  });
}
