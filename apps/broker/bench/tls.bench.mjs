// TLS and SASL against plaintext on one broker, in the same run (issue 15): @runnel/client produce
// and consume through each listener (records/s, and the broker's CPU ms per MB, from outside its
// process: support/bench-broker.mjs), and the time a SCRAM-SHA-512 authentication adds to opening
// a connection. `npm run bench -- tls` builds first; after
// `npx nx run-many -t build -p @runnel/protocol @runnel/client @runnel/broker`,
// `node tools/bench/src/run-all.mjs tls` runs it alone.
//
// One broker with three listeners: PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-512, a user added with
// add-scram-user), the test-only certificates of test/fixtures/tls. ROUNDS rounds, each running
// the listeners in a rotated order so load from other work on the machine falls on all alike;
// figures are medians over the rounds, and `.vs_plaintext` ratios divide by the PLAINTEXT figure
// of the same run (throughput: below 1 is slower; CPU: above 1 costs the broker more).
//
// - produce: one producer (acks 1), SENDS_IN_FLIGHT send() calls of MESSAGES_PER_SEND
//   RECORD_BYTES-byte records outstanding, RECORDS records to a fresh topic per listener and round.
// - consume: a consumer in assign mode reading that topic from offset 0 to its end.
// - scram: AUTH_CONNECTIONS connections opened one after another to SASL_SSL (TLS, ApiVersions,
//   SCRAM-SHA-512 with 4096 iterations) against the same over SSL (TLS, ApiVersions); the median
//   difference is what SCRAM adds (client PBKDF2 included), and the broker's CPU per authentication.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConnection, Runnel } from '@runnel/client';
import { BROKER_DIR, median, report, startBenchBroker } from './support/bench-broker.mjs';
import { createTopics } from './support/topics.mjs';

const QUICK = process.env.RUNNEL_BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : 3;
const RECORDS = QUICK ? 50_000 : 200_000;
const RECORD_BYTES = 1024;
const MESSAGES_PER_SEND = 500;
const SENDS_IN_FLIGHT = 8;
const AUTH_CONNECTIONS = QUICK ? 10 : 40;
const USER = { username: 'bench', password: 'bench-secret' };
const FIXTURES = join(new URL('..', import.meta.url).pathname, 'test', 'fixtures', 'tls');
const ca = readFileSync(join(FIXTURES, 'ca.crt'));
const LISTENERS = ['PLAINTEXT', 'SSL', 'SASL_SSL'];

/** A free port of 127.0.0.1, for a listener whose port the ready line does not print. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function clientOptions(listener, ports) {
  return {
    clientId: `tls-bench-${listener}`,
    brokers: [`127.0.0.1:${ports[listener]}`],
    ...(listener !== 'PLAINTEXT' && { ssl: { ca: [ca] } }),
    ...(listener === 'SASL_SSL' && { sasl: { mechanism: 'scram-sha-512', ...USER } }),
  };
}

const pool = Buffer.alloc(RECORD_BYTES * MESSAGES_PER_SEND, 0x61);
const messages = Array.from({ length: MESSAGES_PER_SEND }, (_, i) => ({
  value: pool.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES),
}));

/** Runs `fn` and returns its wall time (s) and the broker's CPU (ms) meanwhile. */
async function measured(broker, fn) {
  globalThis.gc?.();
  const cpuBefore = broker.cpuMs();
  const start = performance.now();
  await fn();
  return { seconds: (performance.now() - start) / 1000, brokerMs: broker.cpuMs() - cpuBefore };
}

async function produce(broker, options, topic) {
  const producer = new Runnel(options).producer({ acks: 1 });
  await producer.connect();
  try {
    return await measured(broker, async () => {
      let sent = 0;
      const sender = async () => {
        while (sent < RECORDS) {
          sent += MESSAGES_PER_SEND;
          await producer.send({ topic, messages });
        }
      };
      await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
    });
  } finally {
    await producer.disconnect();
  }
}

async function consume(broker, options, topic) {
  const consumer = new Runnel(options).consumer();
  await consumer.connect();
  try {
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    return await measured(broker, async () => {
      let seen = 0;
      await new Promise((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              seen += batch.messages.length;
              if (seen >= RECORDS) resolve();
            },
          })
          .catch(reject);
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Median ms to open a connection (TLS, ApiVersions, and SASL when `sasl`), and broker CPU ms per connection. */
async function connectTimes(broker, port, sasl) {
  const times = [];
  const cpuBefore = broker.cpuMs();
  for (let i = 0; i < AUTH_CONNECTIONS; i++) {
    const start = performance.now();
    const connection = await BrokerConnection.connect(
      { host: '127.0.0.1', port },
      {
        clientId: 'tls-bench-auth',
        connectTimeoutMs: 10_000,
        requestTimeoutMs: 10_000,
        ssl: { ca: [ca] },
        sasl,
      },
    );
    times.push(performance.now() - start);
    await connection.close();
  }
  return { ms: median(times), brokerMsPerConnection: (broker.cpuMs() - cpuBefore) / AUTH_CONNECTIONS };
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-tls-bench-'));
execFileSync(process.execPath, [
  join(BROKER_DIR, 'dist', 'main.js'),
  '--data-dir',
  dataDir,
  'add-scram-user',
  USER.username,
  '--mechanism',
  'SCRAM-SHA-512',
  '--password',
  USER.password,
]);
const ports = { PLAINTEXT: 0, SSL: await freePort(), SASL_SSL: await freePort() };
const broker = await startBenchBroker(dataDir, {
  extraArgs: [
    '--listeners',
    `PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:${ports.SSL},SASL_SSL://127.0.0.1:${ports.SASL_SSL}`,
    '--ssl-key-file',
    join(FIXTURES, 'broker.key'),
    '--ssl-cert-file',
    join(FIXTURES, 'broker.crt'),
    '--sasl-enabled-mechanisms',
    'SCRAM-SHA-512',
  ],
});
ports.PLAINTEXT = broker.port;
const MB = (RECORDS * RECORD_BYTES) / (1024 * 1024);
const results = Object.fromEntries(LISTENERS.map((l) => [l, { produce: [], consume: [] }]));
const auth = { ssl: [], scram: [], scramCpu: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = LISTENERS.map((_, i) => LISTENERS[(i + round) % LISTENERS.length]);
    for (const listener of order) {
      const topic = `tls-${listener.toLowerCase()}-${round}`;
      await createTopics(ports.PLAINTEXT, [topic]);
      const options = clientOptions(listener, ports);
      results[listener].produce.push(await produce(broker, options, topic));
      results[listener].consume.push(await consume(broker, options, topic));
    }
    const ssl = await connectTimes(broker, ports.SSL, undefined);
    const scram = await connectTimes(broker, ports.SASL_SSL, { mechanism: 'scram-sha-512', ...USER });
    auth.ssl.push(ssl.ms);
    auth.scram.push(scram.ms);
    auth.scramCpu.push(scram.brokerMsPerConnection - ssl.brokerMsPerConnection);
  }
  const plain = {};
  for (const listener of LISTENERS) {
    const name = listener.toLowerCase();
    for (const kind of ['produce', 'consume']) {
      const runs = results[listener][kind];
      const recordsPerSecond = median(runs.map((r) => RECORDS / r.seconds));
      const cpuPerMb = median(runs.map((r) => r.brokerMs / MB));
      report(`tls.${kind}.${name}.records_per_s`, recordsPerSecond, 'records/s');
      report(`tls.${kind}.${name}.broker_cpu_ms_per_mb`, cpuPerMb, 'ms/MB');
      if (listener === 'PLAINTEXT') plain[kind] = { recordsPerSecond, cpuPerMb };
      else {
        report(
          `tls.${kind}.${name}.records_per_s.vs_plaintext`,
          recordsPerSecond / plain[kind].recordsPerSecond,
          'x',
        );
        report(`tls.${kind}.${name}.broker_cpu_ms_per_mb.vs_plaintext`, cpuPerMb / plain[kind].cpuPerMb, 'x');
      }
    }
  }
  report('tls.connect.ssl_ms', median(auth.ssl), 'ms');
  report('tls.connect.sasl_ssl_scram_sha_512_ms', median(auth.scram), 'ms');
  report('tls.scram_sha_512.authentication_ms', median(auth.scram) - median(auth.ssl), 'ms');
  report('tls.scram_sha_512.broker_cpu_ms_per_authentication', median(auth.scramCpu), 'ms');
} finally {
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
