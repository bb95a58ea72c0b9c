import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@runnel/broker';

/** dist/main.js as `npm start` runs it (the test target builds it first). */
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** Consoles started by a test, killed after it if it failed before they exited (or Jest waits on them). */
const children = new Set<ReturnType<typeof spawn>>();

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return { child, stderr, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

describe('console main', () => {
  let broker: RunningBroker;
  const dataDir = mkdtempSync(join(tmpdir(), 'console-main-'));

  beforeAll(async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
  });
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 2 with one line naming a bad setting', async () => {
    const { stderr, exited } = run(['--port', '70000']);
    expect((await exited)[0]).toBe(2);
    expect(stderr.join('')).toBe("console: --port = '70000': must be a whole number from 0 to 65535\n");
    const fromEnv = run([], { RUNNEL_CONSOLE_READ_ONLY: 'maybe' });
    expect((await fromEnv.exited)[0]).toBe(2);
    expect(fromEnv.stderr.join('')).toContain("RUNNEL_CONSOLE_READ_ONLY = 'maybe'");
  });

  it('prints its URL once listening, serves the cluster, and exits 0 on SIGTERM', async () => {
    const { child, exited } = run(['--port', '0', '--read-only'], {
      RUNNEL_CONSOLE_BOOTSTRAP_SERVER: broker.bootstrapServers,
    });
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      url = /^console listening on (http:\/\/\S+) \(cluster (\S+), read-only\)$/.exec(line)?.[1];
      if (url) break;
    }
    child.stdout.resume();
    const answer = await fetch(`${url}/api/cluster`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { brokers: { port: number }[] }).brokers[0]!.port).toBe(broker.port);
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
