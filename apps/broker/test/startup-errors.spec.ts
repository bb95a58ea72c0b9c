import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerStartupError, startBroker } from '../src/index.js';
import { type BrokerExit, BrokerProcess } from '../src/testing/index.js';
import { hashFiles } from './support/data-dir-files.js';

/** Runs the built bin with these flags, expecting it to stop before it is ready. */
async function refusal(dataDir: string, flags: string[]): Promise<BrokerExit> {
  const result = await BrokerProcess.attempt(dataDir, flags);
  if (result instanceof BrokerProcess) {
    await result.stop('SIGKILL');
    throw new Error(`the broker started with ${flags.join(' ')}`);
  }
  return result;
}

/** A port some other program listens on. */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** A data directory left by a broker that stopped cleanly, with a topic in it. */
async function usedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-startup-'));
  const broker = await startBroker({ port: 0, httpPort: -1, dataDir, numPartitions: 2, logger: false });
  const { Kafka, logLevel } = await import('kafkajs');
  const producer = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'o1' }, { value: 'o2' }] });
  await producer.disconnect();
  await broker.close();
  return dataDir;
}

describe('start-up errors', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('a data directory that is a file: one line, exit 1', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'runnel-startup-')), 'not-a-dir');
    writeFileSync(file, 'x');
    expect(await refusal(file, [])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `runnel-broker: data directory ${file} is a file: give --data-dir (RUNNEL_DATA_DIR) a directory, or a path where one can be created\n`,
    });
  });

  it.each([
    [
      'port',
      '--port',
      (port: number) =>
        `runnel-broker: Kafka port ${port} is already in use on 127.0.0.1: stop what listens there or choose another with --port (RUNNEL_PORT; 0 picks a free port)\n`,
    ],
    [
      'httpPort',
      '--http-port',
      (port: number) =>
        `runnel-broker: HTTP port ${port} is already in use on 127.0.0.1: stop what listens there or choose another with --http-port (RUNNEL_HTTP_PORT; 0 picks a free port, -1 turns HTTP off)\n`,
    ],
  ])(
    'a %s in use: one line naming it and its flag, exit 1, data directory untouched',
    async (_, flag, line) => {
      const dataDir = await usedDataDir();
      const before = hashFiles(dataDir);
      const { port, server } = await busyPort();
      servers.push(server);
      expect(await refusal(dataDir, [flag, String(port)])).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: line(port),
      });
      expect(hashFiles(dataDir)).toEqual(before);
      expect(before['.lock']).toBeUndefined();
    },
  );

  it('a port in use stops the start before the data directory is even created', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'runnel-startup-')), 'fresh');
    const { port, server } = await busyPort();
    servers.push(server);
    expect((await refusal(dataDir, ['--port', String(port)])).exitCode).toBe(1);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--port abc: it must be an integer, and nothing about its range', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'runnel-startup-')), 'fresh');
    expect(await refusal(dataDir, ['--port', 'abc'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        'runnel-broker: invalid broker configuration: port = "abc" (--port, RUNNEL_PORT) must be an integer number\n',
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a malformed command line is a usage error: exit 2', async () => {
    expect(await refusal(join(tmpdir(), 'unused'), ['--prot', '1'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: "runnel-broker: Unknown option '--prot'; runnel-broker --help lists the options\n",
    });
  });

  it('startBroker rejects with a BrokerStartupError naming the option', async () => {
    const { port, server } = await busyPort();
    servers.push(server);
    const dataDir = join(mkdtempSync(join(tmpdir(), 'runnel-startup-')), 'fresh');
    await expect(startBroker({ port, httpPort: -1, dataDir, logger: false })).rejects.toEqual(
      expect.objectContaining({
        constructor: BrokerStartupError,
        option: 'port',
        message: expect.stringContaining(`Kafka port ${port} is already in use on 127.0.0.1`),
      }),
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});
