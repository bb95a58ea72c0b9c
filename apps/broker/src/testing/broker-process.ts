import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The built `runnel-broker` entry, `dist/main.js` of this package. Found through the package's own
 * name (Node resolves a package's self-reference through its `exports`), so the path is the same
 * from the TypeScript source, the ESM build and the CommonJS build, in the workspace or installed.
 */
const MAIN = join(
  dirname(createRequire(import.meta.url).resolve('@runnel/broker/package.json')),
  'dist',
  'main.js',
);

/** A `runnel-broker` that exited before it was ready: its exit code and everything it printed. */
export interface BrokerExit {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The built `runnel-broker` in a child process, for tests that must kill it (SIGKILL), pause it
 * (SIGSTOP) or measure it from outside; `startBroker` is the in-process broker for all others.
 * The broker's output is kept in `output` (stdout and stderr, in arrival order).
 */
export class BrokerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly httpPort: number,
    readonly output: string[],
  ) {}

  /** Starts a broker on free ports (flags in `extraArgs` override them); fails if it exits first. */
  static async start(dataDir: string, extraArgs: string[] = []): Promise<BrokerProcess> {
    const started = await BrokerProcess.attempt(dataDir, extraArgs);
    if (started instanceof BrokerProcess) return started;
    throw new Error(
      `broker exited (${started.exitCode}) before it was ready:\n${started.stdout}${started.stderr}`,
    );
  }

  /** Starts a broker as `start` does; resolves to how it exited if it stops before it is ready. */
  static async attempt(dataDir: string, extraArgs: string[] = []): Promise<BrokerProcess | BrokerExit> {
    if (!existsSync(MAIN)) throw new Error(`BrokerProcess: ${MAIN} is missing; build @runnel/broker first`);
    const child = spawn(
      process.execPath,
      [MAIN, '--port', '0', '--http-port', '0', '--data-dir', dataDir, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    const stdout: string[] = [];
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      stderr.push(chunk.toString());
    });
    // Every line is kept for as long as the child runs: a reader that stopped after the ready line
    // would leave the pipe undrained, and a broker that logs past the pipe's buffer would block.
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<{ port: number; httpPort: number } | undefined>((resolve) => {
      lines.on('line', (line) => {
        output.push(`${line}\n`);
        stdout.push(`${line}\n`);
        const match = /listening on [^:]+:(\d+), http on [^:]+:(\d+)/.exec(line);
        if (match) resolve({ port: Number(match[1]), httpPort: Number(match[2]) });
      });
      lines.on('close', () => resolve(undefined));
    });
    // 'close', not 'exit': by then everything the child printed has been read.
    const exited = once(child, 'close');
    const first = await Promise.race([ready, exited.then(() => undefined)]);
    if (first !== undefined) return new BrokerProcess(child, first.port, first.httpPort, output);
    const [code] = (await exited) as [number | null];
    await ready;
    return { exitCode: code, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  get bootstrapServers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** One Prometheus figure from the broker's /metrics (the first sample of that name). */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.httpPort}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    if (!line) throw new Error(`no metric ${name} in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exit = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = (await exit) as [number | null];
    return code;
  }
}
