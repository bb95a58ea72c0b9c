import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** What to install where `etcd` is missing (Debian and Ubuntu). */
export const ETCD_INSTALL_HINT = 'apt-get install etcd-server';

/** The `etcd` binary: RUNNEL_ETCD, else the first `etcd` on PATH; undefined when there is none. */
export function findEtcd(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.RUNNEL_ETCD
    ? [env.RUNNEL_ETCD]
    : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'etcd'));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Where one single-member etcd keeps its data and listens. */
export interface EtcdSettings {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** The member's name (default `runnel`). */
  readonly name?: string;
}

/** The command line of a single-member etcd on 127.0.0.1, logging JSON lines (zap) to stderr. */
export function etcdArguments({ dataDir, clientPort, peerPort, name = 'runnel' }: EtcdSettings): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name',
    name,
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `${name}=${peer}`,
    '--logger',
    'zap',
  ];
}

/** etcd's log line once it serves clients. */
const READY = /serving client traffic|ready to serve client requests/;

/**
 * A single-member etcd in a child process, for tests and benchmarks of brokers in cluster mode:
 * `await EtcdProcess.start(dir)` runs it on free ports with its data in `dir`, resolving once it
 * serves clients (its own log line says so, within a second on this machine). Brokers join it
 * with `--cluster ${etcd.endpoint}`.
 */
export class EtcdProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly clientPort: number,
    /** Everything it logged, for a failing test to print. */
    readonly output: string[],
  ) {}

  /** `etcd://127.0.0.1:<port>`, the broker's `--cluster` value. */
  get endpoint(): string {
    return `etcd://127.0.0.1:${this.clientPort}`;
  }

  /** `http://127.0.0.1:<port>`, for an etcd client. */
  get clientUrl(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  /**
   * Starts etcd with its data in `dataDir`, on the given ports or free ones. A port taken between
   * choosing and binding makes etcd exit: then it is tried again on two new ports, up to 3 times.
   */
  static async start(
    dataDir: string,
    ports: { clientPort?: number; peerPort?: number } = {},
  ): Promise<EtcdProcess> {
    const binary = findEtcd();
    if (!binary) throw new Error(`etcd is not installed: ${ETCD_INSTALL_HINT}`);
    let failure = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const clientPort = ports.clientPort ?? (await freePort());
      const peerPort = ports.peerPort ?? (await freePort());
      const started = await EtcdProcess.attempt(binary, { dataDir, clientPort, peerPort });
      if (started instanceof EtcdProcess) return started;
      failure = started;
      if (ports.clientPort !== undefined) break;
    }
    throw new Error(`etcd did not start:\n${failure}`);
  }

  private static async attempt(binary: string, settings: EtcdSettings): Promise<EtcdProcess | string> {
    const child = spawn(binary, etcdArguments(settings), { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    // Read to the end whatever happens, so a full pipe never blocks etcd.
    const ready = new Promise<boolean>((resolve) => {
      createInterface({ input: child.stderr! }).on('line', (line) => {
        output.push(`${line}\n`);
        if (READY.test(line)) resolve(true);
      });
    });
    const exited = once(child, 'close').then(() => false);
    if (await Promise.race([ready, exited])) return new EtcdProcess(child, settings.clientPort, output);
    await exited;
    return output.join('');
  }

  /** Sends `signal` (SIGTERM: a clean stop) and resolves once it exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exit = once(this.child, 'exit');
    this.child.kill(signal);
    await exit;
  }
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
