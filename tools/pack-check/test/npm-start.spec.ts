import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Started {
  npm: ChildProcess;
  brokerPid: number;
  port: number;
  output: string[];
}

/**
 * `npm run start` from the repository root, as a user runs it, with its data directory and ports
 * chosen by `RUNNEL_*` variables. Resolves once the broker says it listens, with the pid the broker
 * logs (NestJS prefixes its lines with it) and its Kafka port.
 */
async function npmStart(dataDir: string): Promise<Started> {
  const npm = spawn('npm', ['run', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      RUNNEL_DATA_DIR: dataDir,
      RUNNEL_PORT: '0',
      RUNNEL_HTTP_PORT: '0',
      // npm start also starts order-service and billing-service (tools/demo/start.mjs): any free ports.
      RUNNEL_ORDER_SERVICE_PORT: '0',
      RUNNEL_BILLING_SERVICE_PORT: '0',
      NX_DAEMON: 'false',
      NX_TUI: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  npm.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(npm, 'exit').then(([code, signal]) => {
    throw new Error(`npm start exited (${code ?? signal}) before the broker was ready:\n${output.join('')}`);
  });
  const ready = (async () => {
    let brokerPid: number | undefined;
    for await (const line of createInterface({ input: npm.stdout! })) {
      output.push(`${line}\n`);
      const pid = /\[Nest\] (\d+)/.exec(line)?.[1];
      if (pid !== undefined) brokerPid ??= Number(pid);
      const listening = /listening on [^:]+:(\d+)/.exec(line);
      if (listening) {
        if (brokerPid === undefined) throw new Error(`no '[Nest] <pid>' line before:\n${output.join('')}`);
        return { brokerPid, port: Number(listening[1]) };
      }
    }
    throw new Error(`npm start closed its output before the broker was ready:\n${output.join('')}`);
  })();
  exited.catch(() => undefined);
  try {
    const { brokerPid, port } = await Promise.race([ready, exited]);
    return { npm, brokerPid, port, output };
  } catch (err) {
    npm.kill('SIGKILL');
    throw err;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Whether this process can bind `port` on 127.0.0.1, i.e. nothing listens there any more. */
async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

describe('npm start', () => {
  const brokerPids: number[] = [];
  afterEach(() => {
    // A broker orphaned by a failing run must not outlive the test.
    for (const pid of brokerPids.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'passes %s from npm to the broker, which closes its data directory cleanly and exits 0',
    async (signal) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-npm-start-'));
      const { npm, brokerPid, port, output } = await npmStart(dataDir);
      brokerPids.push(brokerPid);

      const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'started', numPartitions: 1 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'started', messages: [{ value: 'by npm start' }] });
      await producer.disconnect();

      npm.kill(signal);
      const [code] = await once(npm, 'exit');
      // npm exits with its script's status, so 0 here is the broker's own exit code.
      expect({ code, output: code === 0 ? '' : output.join('') }).toEqual({ code: 0, output: '' });
      expect(isRunning(brokerPid)).toBe(false);
      expect(await portIsFree(port)).toBe(true);
      expect(existsSync(join(dataDir, 'started-0', '.kafka_cleanshutdown'))).toBe(true);
    },
    60_000,
  );
});
