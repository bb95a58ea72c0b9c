// acks=-1 produce with the broker's group-commit window at 0 ms and at 2 ms, in the same run, so the
// choice of `groupCommitWindowMs`'s default rests on a measurement on this machine's disk.
// `npm run bench -- group-commit` builds everything first; after `npx nx run-many -t build -p
// @runnel/protocol @runnel/client @runnel/broker`, `node tools/bench/src/run-all.mjs group-commit`
// runs it alone (@runnel/client comes from the workspace: the broker does not depend on the client,
// whose tests depend on the broker). It starts the built broker, dist/main.js, twice in child processes
// (`--group-commit-window-ms 0` and `2`, each on a fresh data directory, removed at the end) and
// drives both with @runnel/client, alternating between them round by round (ROUNDS rounds, the
// order swapped every round) so load from other work on the machine falls on both alike. Prints one
// JSON line per figure: {"bench": name, "value": n, "unit": u}; every figure is the median over the
// rounds, and `.min` / `.max` lines give the range.
//
// Workloads, each to a fresh topic of PARTITIONS partitions, 100-byte random values, no key:
// - throughput: one producer with its defaults (acks -1, idempotent, lingerMs 5, batchSize 16384)
//   keeping SENDS_IN_FLIGHT send() calls of MESSAGES_PER_SEND records outstanding; records/s.
// - latency: one producer (acks -1, lingerMs 0) sending one record at a time, each send() awaited
//   before the next: the time from send() to its acknowledgement, p50 and p99 in ms.
// - concurrent: CONCURRENT_PRODUCERS producers (acks -1, lingerMs 0) on their own connections, each
//   sending one record at a time: where a window could let several requests share one fsync;
//   records/s over all of them and the p99 of each send().
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Runnel } from '@runnel/client';

const WINDOWS_MS = [0, 2];
const ROUNDS = 5;
const PARTITIONS = 6;
const RECORD_BYTES = 100;
const THROUGHPUT_RECORDS = 300_000;
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;
const LATENCY_SENDS = 400;
const CONCURRENT_PRODUCERS = 16;
const CONCURRENT_SENDS_EACH = 100;
const WARMUP_RECORDS = 100_000;

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Nearest-rank percentile `p` (0-100) of `values`. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Starts the built broker with `windowMs` on a fresh data directory; resolves once it is listening. */
async function startBroker(windowMs) {
  const dataDir = mkdtempSync(join(tmpdir(), `runnel-group-commit-${windowMs}-`));
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '--port',
      '0',
      '--http-port',
      '-1',
      '--data-dir',
      dataDir,
      '--group-commit-window-ms',
      String(windowMs),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = [];
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  const ready = new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(`${line}\n`);
      const match = /listening on [^:]+:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`broker exited (${code ?? signal}) before it was ready:\n${output.join('')}`);
  });
  try {
    const port = await Promise.race([ready, exited]);
    exited.catch(() => undefined);
    return { windowMs, child, dataDir, bootstrap: `127.0.0.1:${port}`, topics: 0 };
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function stopBroker(broker) {
  if (broker.child.exitCode === null && broker.child.signalCode === null) {
    const exited = once(broker.child, 'exit');
    broker.child.kill('SIGKILL');
    await exited;
  }
  rmSync(broker.dataDir, { recursive: true, force: true });
}

async function freshTopic(broker, admin, prefix) {
  const topic = `${prefix}-${broker.topics++}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  return topic;
}

/** `count` 100-byte values in send() calls of MESSAGES_PER_SEND, built before any clock starts. */
function messagesOf(count) {
  const pool = randomBytes(count * RECORD_BYTES);
  const sends = [];
  for (let first = 0; first < count; first += MESSAGES_PER_SEND) {
    const messages = [];
    for (let i = first; i < Math.min(count, first + MESSAGES_PER_SEND); i++) {
      messages.push({ value: pool.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES) });
    }
    sends.push(messages);
  }
  return sends;
}

async function produceAll(producer, topic, sends) {
  let next = 0;
  const worker = async () => {
    while (next < sends.length) await producer.send({ topic, messages: sends[next++] });
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
}

/** Sends `count` single records one after another; resolves with each send()'s time in ms. */
async function serialSends(producer, topic, count) {
  const value = randomBytes(RECORD_BYTES);
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await producer.send({ topic, value });
    times.push(performance.now() - start);
  }
  return times;
}

/** One round of every workload against `broker`. */
async function round(broker, sends) {
  const runnel = new Runnel({ clientId: 'group-commit-bench', brokers: [broker.bootstrap] });
  const admin = runnel.admin();
  await admin.connect();
  try {
    const throughput = runnel.producer();
    await throughput.connect();
    const topic = await freshTopic(broker, admin, 'throughput');
    const start = performance.now();
    await produceAll(throughput, topic, sends);
    const recordsPerSecond = (sends.length * MESSAGES_PER_SEND * 1000) / (performance.now() - start);
    await throughput.disconnect();

    const single = runnel.producer({ lingerMs: 0 });
    await single.connect();
    const latencyTopic = await freshTopic(broker, admin, 'latency');
    await serialSends(single, latencyTopic, 20);
    const latencies = await serialSends(single, latencyTopic, LATENCY_SENDS);
    await single.disconnect();

    // Separate Runnel instances: separate connections, as separate applications would have.
    const concurrentTopic = await freshTopic(broker, admin, 'concurrent');
    const instances = Array.from(
      { length: CONCURRENT_PRODUCERS },
      () => new Runnel({ clientId: 'group-commit-bench', brokers: [broker.bootstrap] }),
    );
    const producers = instances.map((r) => r.producer({ lingerMs: 0 }));
    await Promise.all(producers.map((p) => p.connect()));
    await Promise.all(producers.map((p) => serialSends(p, concurrentTopic, 10)));
    const concurrentStart = performance.now();
    const concurrentTimes = (
      await Promise.all(producers.map((p) => serialSends(p, concurrentTopic, CONCURRENT_SENDS_EACH)))
    ).flat();
    const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
    await Promise.all(producers.map((p) => p.disconnect()));
    return {
      recordsPerSecond,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      concurrentRecordsPerSecond: concurrentTimes.length / concurrentSeconds,
      concurrentP99: percentile(concurrentTimes, 99),
    };
  } finally {
    await admin.disconnect();
  }
}

const brokers = [];
process.once('exit', () => {
  for (const b of brokers) b.child.kill('SIGKILL');
});
try {
  for (const windowMs of WINDOWS_MS) brokers.push(await startBroker(windowMs));
  const sends = messagesOf(THROUGHPUT_RECORDS);
  // Warm-up: both brokers' and this process's JITs, not measured.
  for (const broker of brokers) {
    const runnel = new Runnel({ clientId: 'group-commit-bench', brokers: [broker.bootstrap] });
    const producer = runnel.producer();
    await producer.connect();
    await produceAll(producer, `warmup-${broker.windowMs}`, messagesOf(WARMUP_RECORDS));
    await producer.disconnect();
  }
  const results = new Map(brokers.map((b) => [b.windowMs, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? brokers : [...brokers].reverse();
    for (const broker of order) results.get(broker.windowMs).push(await round(broker, sends));
  }
  const figures = [
    ['throughput', 'recordsPerSecond', 'records/s'],
    ['latency.p50', 'p50', 'ms'],
    ['latency.p99', 'p99', 'ms'],
    ['concurrent', 'concurrentRecordsPerSecond', 'records/s'],
    ['concurrent.p99', 'concurrentP99', 'ms'],
  ];
  for (const [name, field, unit] of figures) {
    for (const [windowMs, rounds] of results) {
      const values = rounds.map((x) => x[field]);
      const prefix = `group_commit.window_${windowMs}ms.${name}`;
      report(prefix, median(values), unit);
      report(`${prefix}.min`, Math.min(...values), unit);
      report(`${prefix}.max`, Math.max(...values), unit);
    }
  }
  for (const [name, field] of [
    ['throughput', 'recordsPerSecond'],
    ['concurrent', 'concurrentRecordsPerSecond'],
  ]) {
    const ratio = median(results.get(0).map((x) => x[field])) / median(results.get(2).map((x) => x[field]));
    report(`group_commit.${name}.window_0_vs_2`, ratio, 'x');
  }
} finally {
  for (const broker of brokers) await stopBroker(broker);
}
