import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// A CommonJS program, as a user's test suite written with require() would be: the CommonJS build of
// the broker (NestJS modules, decorators and all) must not only load but start, serve and close.
const PROGRAM = `
const { startBroker } = require('@runnel/broker');
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const broker = await startBroker({ dataDir: process.argv[1], port: 0, httpPort: 0, logger: false });
  const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'required', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const [sent] = await producer.send({ topic: 'required', messages: [{ value: 'from require()' }] });
  await producer.disconnect();
  const health = await (await fetch('http://127.0.0.1:' + broker.httpPort + '/health')).json();
  await broker.close();
  process.stdout.write(JSON.stringify({ module: require.resolve('@runnel/broker'), sent, health: health.status }));
})();
`;

describe("require('@runnel/broker')", () => {
  it('loads the CommonJS build, whose broker serves kafkajs and its HTTP endpoints', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-broker-cjs-'));
    const { stdout } = await run(process.execPath, ['-e', PROGRAM, dataDir], { cwd: ROOT, timeout: 60_000 });
    const result = JSON.parse(stdout);
    expect(result.module).toBe(join(ROOT, 'apps/broker/dist/index.cjs'));
    expect(result.sent).toMatchObject({ topicName: 'required', partition: 0, errorCode: 0, baseOffset: '0' });
    expect(result.health).toBe('ok');
  }, 90_000);
});
