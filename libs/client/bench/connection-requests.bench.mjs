// Pipelined request round trips on one connection: @runnel/client's BrokerConnection beside
// kafkajs 2.2.4's own Connection class (the layer under its producer, consumer and admin), through
// the built Runnel broker (apps/broker/dist/main.js) in a child process, in the same run. Needs a
// build first. Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// Workload: ApiVersions v2 (the same bytes on the wire for both clients: a 21-API answer to decode)
// with WINDOW requests kept in flight, REQUESTS per round, ROUNDS rounds after a warm-up; figures are
// medians. Per client: requests/s, and the CPU per request of this process (`.client_cpu_us`) and
// of the broker (`.broker_cpu_us`, from its /metrics), so a reader sees which side is the limit;
// then ours / kafkajs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ApiVersions } from '@runnel/protocol';
import { BrokerConnection } from '../dist/index.js';

const require = createRequire(import.meta.url);
const KafkaJSConnection = require('kafkajs/src/network/connection');
const kafkajsSocketFactory = require('kafkajs/src/network/socketFactory');
const { createLogger, LEVELS } = require('kafkajs/src/loggers');
const kafkajsApiVersions = require('kafkajs/src/protocol/requests/apiVersions');

const WINDOW = 128;
const REQUESTS = 100_000;
const WARMUP = 30_000;
const ROUNDS = 3;
const MAIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'apps',
  'broker',
  'dist',
  'main.js',
);

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function startBroker(dataDir) {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--http-port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve) => {
    lines.on('line', (line) => {
      const match = /listening on [^:]+:(\d+), http on [^:]+:(\d+)/.exec(line);
      if (match) resolve({ port: Number(match[1]), httpPort: Number(match[2]) });
    });
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`broker exited (${code ?? signal}) before it was ready`);
  });
  const { port, httpPort } = await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return { child, port, httpPort };
}

async function brokerCpuMs(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  if (line === undefined) throw new Error('no process_cpu_seconds_total in the broker /metrics');
  return Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000;
}

/** Keeps WINDOW calls of `send` in flight until `count` have resolved; checks every answer. */
function pipeline(send, count, check) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let done = 0;
    const next = () => {
      started++;
      send().then((answer) => {
        if (!check(answer)) return reject(new Error('a response did not decode to ApiVersions'));
        done++;
        if (done === count) resolve();
        else if (started < count) next();
      }, reject);
    };
    for (let i = 0; i < Math.min(WINDOW, count); i++) next();
  });
}

async function measure(httpPort, send, check) {
  await pipeline(send, WARMUP, check);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    const brokerBefore = await brokerCpuMs(httpPort);
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await pipeline(send, REQUESTS, check);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const brokerMs = (await brokerCpuMs(httpPort)) - brokerBefore;
    rounds.push({
      rate: REQUESTS / seconds,
      clientUs: (cpu.user + cpu.system) / REQUESTS,
      brokerUs: (brokerMs * 1000) / REQUESTS,
    });
  }
  return {
    rate: median(rounds.map((r) => r.rate)),
    clientUs: median(rounds.map((r) => r.clientUs)),
    brokerUs: median(rounds.map((r) => r.brokerUs)),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-connection-bench-'));
const broker = await startBroker(dataDir);
try {
  const ours = await BrokerConnection.connect(
    { host: '127.0.0.1', port: broker.port },
    { clientId: 'bench', connectTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
  );
  const runnel = await measure(
    broker.httpPort,
    () => ours.request(ApiVersions, {}, { version: 2 }),
    (answer) => answer.errorCode === 0 && answer.apiKeys.length > 10,
  );
  await ours.close();

  const theirs = new KafkaJSConnection({
    host: '127.0.0.1',
    port: broker.port,
    clientId: 'bench',
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} }),
    socketFactory: kafkajsSocketFactory(),
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
  });
  await theirs.connect();
  const request = kafkajsApiVersions.protocol({ version: 2 });
  const kafkajs = await measure(
    broker.httpPort,
    () => theirs.send(request()),
    (answer) => answer.errorCode === 0 && answer.apiVersions.length > 10,
  );
  await theirs.disconnect();

  for (const [name, figures] of [
    ['runnel', runnel],
    ['kafkajs', kafkajs],
  ]) {
    report(`connection.requests.${name}`, figures.rate, 'requests/s');
    report(`connection.requests.${name}.client_cpu_us`, figures.clientUs, 'us/request');
    report(`connection.requests.${name}.broker_cpu_us`, figures.brokerUs, 'us/request');
  }
  report('connection.requests.ratio_vs_kafkajs', runnel.rate / kafkajs.rate, 'x');
  report('connection.requests.client_cpu_ratio_kafkajs_vs_runnel', kafkajs.clientUs / runnel.clientUs, 'x');
} finally {
  broker.child.kill('SIGTERM');
  await once(broker.child, 'exit');
  rmSync(dataDir, { recursive: true, force: true });
}
