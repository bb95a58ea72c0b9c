import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/**
 * The built `runnel-broker` in a child process, for tests that must kill it (SIGKILL) or measure
 * it from outside. `npx nx test @runnel/broker` builds the broker before its tests run.
 */
export class BrokerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly httpPort: number,
    readonly output: string[],
  ) {}

  static async start(dataDir: string, extraArgs: string[] = []): Promise<BrokerProcess> {
    const child = spawn(
      process.execPath,
      [MAIN, '--port', '0', '--http-port', '0', '--data-dir', dataDir, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    const exited = once(child, 'exit').then(([code, signal]) => {
      throw new Error(`broker exited (${code ?? signal}) before it was ready:\n${output.join('')}`);
    });
    const ready = (async () => {
      for await (const line of lines) {
        output.push(`${line}\n`);
        const match = /listening on [^:]+:(\d+), http on [^:]+:(\d+)/.exec(line);
        if (match) return { port: Number(match[1]), httpPort: Number(match[2]) };
      }
      throw new Error(`broker closed its output before it was ready:\n${output.join('')}`);
    })();
    const { port, httpPort } = await Promise.race([ready, exited]);
    exited.catch(() => undefined);
    return new BrokerProcess(child, port, httpPort, output);
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
