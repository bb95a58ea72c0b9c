// End-to-end latency of @runnel/client: from producer.send() to the consumer's eachMessage, with
// lingerMs 0, at RATE records/s, through the built broker (apps/broker/dist/main.js) in a child
// process. Needs a build first (`npx nx run-many -t build -p @runnel/client @runnel/broker`).
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// One producer (acks 1, lingerMs 0) and one assign-mode consumer (default fetch options: maxWaitMs
// 500, minBytes 1, so a waiting Fetch is answered as soon as a record is appended) run in this
// process, on separate Runnel instances. The producer sends RECORD_BYTES-byte records, each
// carrying its sequence number, on a schedule of RATE per second (send() calls are not awaited,
// as an application sending events would); the consumer notes performance.now() minus the
// record's send time. Sends are paced by a 1 ms timer (about RATE / 1000 records per tick).
// WARMUP_SECONDS of traffic come first and are not counted; then ROUNDS rounds of MEASURE_SECONDS
// each are, back to back. As every figure of `npm run bench` is a median over rounds, `p50` and
// `p99` are the medians of the rounds' p50 and p99 (`p99.rounds_min/max` their spread, so a round
// that a neighbour's burst on this shared machine spoilt is seen, not hidden), and `p99_pooled`
// the p99 of all measured records at once; `max` is the slowest record of all. The CPU per MB of
// the broker and of this process (producer, consumer and pacing together) is over the run.
//
// The floor, in the same run: the same schedule of records through support/latency-relay.mjs, a
// second process that only passes each chunk from one socket to another, to a consumer that
// pulls with long polls, and answers on the first (the trip's processes, sockets and wake-ups,
// no Kafka), once before and once after the measured phase. `floor.p50/p99/max` are its
// latencies and `p99_vs_floor` the client's pooled p99 over the floor's: where the floor's p99 is
// above 2 ms, so would be any broker's on this trip.
//
// To tell which side is late: `ack.p50/p99` is send() to its acknowledgement (producer, wire,
// broker append: the first half of the trip); `broker_produce.p99_bucket` the broker's own time per
// Produce request (the upper bound of its histogram bucket holding the p99); and the event-loop delay p99 of both processes
// over the measured seconds (the broker's from a monitorEventLoopDelay probe loaded with
// --import, read with SIGUSR2). A tail that matches a process's loop delay is that process not
// being run (GC, or the machine's other load), not the wire; `run_delay.client/broker` says how
// long, per second, each main thread waited for a core while runnable (Linux's schedstat).
//
// The loop-delay histograms (monitorEventLoopDelay, resolution 1 ms) record each whole interval
// between their 1 ms timer's runs, and libuv runs timers on a millisecond clock, so an idle loop
// reads about 1.1 ms at the p50 and up to 2 ms at the p99 (its timer rounded to the next
// millisecond): the figures here are that interval's excess over the 1 ms resolution
// (`event_loop_delay.*`), which still holds up to 1 ms of that rounding. GC pauses are counted in both processes (`gc.count_per_s`, `gc.pause_ms_per_s`), and
// `in_flight_during_gc` is the share of measured records that were between send() and their
// handler while either process was in a GC pause (the broker's pauses placed on the same clock
// through performance.timeOrigin): when it is near or above 1 %, GC pauses may set the p99, and
// `p99_clear_of_gc` (the p99 of the records that were not) tells whether they do.
// RUNNEL_BENCH_WARMUP_SECONDS sets the warm-up (default 10), RUNNEL_BENCH_ROUNDS the rounds (5);
// RUNNEL_BENCH_LATENCY_DUMP=<file> writes every record's send, acknowledgement and receipt times
// and both processes' GC pauses there, which `node latency-stalls.mjs <file>` reads.
// RUNNEL_BENCH_BROKER_NODE_ARGS passes node options to the broker (`--perf-basic-prof` for perf).
// Send and receive times go into preallocated arrays, so the measuring adds no garbage per record
// beyond the record itself and its send().
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateTopics } from '@runnel/protocol';
import { BrokerConnection, Runnel } from '../dist/index.js';

const RATE = 10_000;
const RECORD_BYTES = 100;
// Long enough for both fresh processes to reach optimized code at this rate (about 800 requests
// a second): with 1 s, the slow records came in stalls within the first 1.5 s of the measured
// phase, while V8 was still compiling the request path of both sides.
const WARMUP_SECONDS = Number(process.env.RUNNEL_BENCH_WARMUP_SECONDS ?? 10);
// The floor's relay has nothing to compile beyond a few lines.
const FLOOR_WARMUP_SECONDS = 1;
const MEASURE_SECONDS = 5;
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? 5);
const TOPIC = 'latency-bench';
const MB = 1e6;

// Extra node options for the broker process (e.g. --perf-basic-prof to read it with perf).
const BROKER_NODE_ARGS = (process.env.RUNNEL_BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const here = dirname(fileURLToPath(import.meta.url));
// This workspace's broker build, or the @runnel/broker package directory RUNNEL_BENCH_BROKER names.
const BROKER_MAIN = process.env.RUNNEL_BENCH_BROKER
  ? join(resolve(process.env.RUNNEL_BENCH_BROKER), 'dist', 'main.js')
  : join(here, '..', '..', '..', 'apps', 'broker', 'dist', 'main.js');

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

async function startBroker(dataDir) {
  const child = spawn(
    process.execPath,
    [
      ...BROKER_NODE_ARGS,
      '--import',
      LOOP_PROBE,
      BROKER_MAIN,
      '--port',
      '0',
      '--http-port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = [];
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith(PROBE_PREFIX)) return;
    const waiter = loopReports.shift();
    waiter?.(JSON.parse(line.slice(PROBE_PREFIX.length)));
  });
  const ready = new Promise((resolve) => {
    lines.on('line', (line) => {
      output.push(`${line}\n`);
      const match = /listening on [^:]+:(\d+), http on [^:]+:(\d+)/.exec(line);
      if (match) resolve({ port: Number(match[1]), httpPort: Number(match[2]) });
    });
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`broker exited (${code ?? signal}) before it was ready:\n${output.join('')}`);
  });
  const { port, httpPort } = await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return { child, port, httpPort };
}

/**
 * Loaded into the broker with --import: its event-loop delay histogram and longest GC pause,
 * printed as one line (in ms) and reset on SIGUSR2.
 */
const PROBE_PREFIX = 'event-loop-delay ';
const LOOP_PROBE = `data:text/javascript,${encodeURIComponent(`
  import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let gcMax = 0;
  let gcs = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMax = Math.max(gcMax, entry.duration);
      gcs.push([performance.timeOrigin + entry.startTime, entry.duration]);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const ms = (ns) => ns / 1e6;
    process.stdout.write('${PROBE_PREFIX}' + JSON.stringify({ p99: ms(h.percentile(99)) - 1, max: ms(h.max) - 1, gcMax, gcs }) + '\\n');
    h.reset();
    gcMax = 0;
    gcs = [];
  });
`)}`;
const loopReports = [];

/**
 * The broker's event-loop delay since the last call (the first call only resets it), as excess
 * over the 1 ms resolution, and its GC pauses as [epoch ms, duration ms].
 */
function brokerLoopDelay() {
  const report = new Promise((resolve) => loopReports.push(resolve));
  broker.child.kill('SIGUSR2');
  return report;
}

/** The broker's Produce request-duration histogram: cumulative counts by bucket upper bound (seconds). */
async function brokerProduceBuckets(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const buckets = new Map();
  for (const line of text.split('\n')) {
    const match = /^runnel_request_duration_seconds_bucket\{(.*)\} (\d+)/.exec(line);
    if (!match || !/api="Produce"/.test(match[1])) continue;
    const le = /le="([^"]+)"/.exec(match[1])[1];
    buckets.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(match[2]));
  }
  return buckets;
}

/** The upper bound (ms) of the bucket holding the p-th percentile of the Produce requests between two scrapes. */
function bucketPercentile(before, after, p) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (le) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = count(Number.POSITIVE_INFINITY);
  const bound = bounds.find((le) => count(le) >= (p / 100) * total);
  return bound * 1000;
}

async function brokerCpuMs(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  if (!line) throw new Error('no process_cpu_seconds_total in the broker /metrics');
  return Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000;
}

/**
 * How long the main thread of process `pid` has waited for a core while runnable, in ms (the
 * kernel's run_delay, /proc/<pid>/schedstat); undefined where there is no such file (not Linux).
 */
function runDelayMs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * Calls `sendOne(seq)` for seq 0 to count - 1 at RATE per second from now, from a 1 ms timer
 * (about RATE / 1000 calls a tick), then `afterTick()`; resolves once all are called.
 */
function paced(count, sendOne, afterTick = () => undefined) {
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * RATE));
      while (sent < due) sendOne(sent++);
      afterTick();
      // A timer, not a busy loop: this process must leave the CPU to the broker and the clients.
      if (sent < count) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

const RELAY = join(here, 'support', 'latency-relay.mjs');

/** support/latency-relay.mjs in a child process, with the broker's loop probe; resolves with its port. */
async function startRelay() {
  const child = spawn(process.execPath, ['--import', LOOP_PROBE, RELAY], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [port] = await Promise.race([
    new Promise((resolve) =>
      lines.on('line', (line) => {
        const match = /^relay listening on (\d+)/.exec(line);
        if (match) resolve([Number(match[1])]);
      }),
    ),
    once(child, 'exit').then(([code, signal]) => {
      throw new Error(`the latency relay exited (${code ?? signal}) before it listened`);
    }),
  ]);
  return { child, port };
}

/**
 * The floor of the trip on this machine, in this run: the records of the measured phase, on the
 * same schedule, through support/latency-relay.mjs (a second process, two sockets, an answer on
 * the first, a consumer pulling with long polls, no Kafka), each tick's records in one write as a
 * lingerMs 0 producer sends them. Resolves with the latencies (write to read on the other
 * socket) of the records after the warm-up, in send order.
 */
async function floorLatencies() {
  const total = (FLOOR_WARMUP_SECONDS + MEASURE_SECONDS) * RATE;
  const warmup = FLOOR_WARMUP_SECONDS * RATE;
  const relay = await startRelay();
  const connectTo = async (role) => {
    const socket = createConnection({ host: '127.0.0.1', port: relay.port, noDelay: true });
    await once(socket, 'connect');
    socket.write(role);
    return socket;
  };
  const toRelay = await connectTo('P');
  const fromRelay = await connectTo('C');
  await once(fromRelay, 'data'); // the relay's `C`: it has taken this socket as the consumer's
  toRelay.resume(); // the relay's acknowledgements: read, as a producer reads its responses
  const writtenAt = new Float64Array(total);
  const readAt = new Float64Array(total);
  let read = 0;
  let rest = Buffer.alloc(0);
  const FETCH = Buffer.from('F');
  const allRead = new Promise((resolve) => {
    fromRelay.on('data', (chunk) => {
      const at = performance.now();
      // The next fetch first, as @runnel/client's consumer sends it before handling an answer.
      fromRelay.write(FETCH);
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let offset = 0;
      for (; data.length - offset >= RECORD_BYTES; offset += RECORD_BYTES) {
        readAt[data.readUInt32BE(offset)] = at;
        read++;
      }
      rest = data.subarray(offset);
      if (read === total) resolve();
    });
  });
  fromRelay.write(FETCH);
  // The probe's 1 ms timer, as in the measured phase, so this process wakes as often.
  const probe = monitorEventLoopDelay({ resolution: 1 });
  probe.enable();
  await paced(
    total,
    (seq) => {
      const record = Buffer.from(value);
      record.writeUInt32BE(seq, 0);
      writtenAt[seq] = performance.now();
      if (!toRelay.writableCorked) toRelay.cork();
      toRelay.write(record);
    },
    () => {
      if (toRelay.writableCorked) toRelay.uncork();
    },
  );
  await allRead;
  probe.disable();
  toRelay.destroy();
  fromRelay.destroy();
  relay.child.kill('SIGTERM');
  return Array.from(readAt.subarray(warmup), (at, i) => at - writtenAt[warmup + i]);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-latency-bench-'));
let broker;
process.once('exit', () => {
  broker?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});
broker = await startBroker(dataDir);
const bootstrap = `127.0.0.1:${broker.port}`;
const admin = await BrokerConnection.connect(
  { host: '127.0.0.1', port: broker.port },
  { clientId: 'latency-bench', connectTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
);
await admin.request(CreateTopics, {
  topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1 }],
  timeoutMs: 10_000,
});
await admin.close();

const producer = new Runnel({ clientId: 'latency-producer', brokers: [bootstrap] }).producer({
  lingerMs: 0,
  acks: 1,
});
const consumer = new Runnel({ clientId: 'latency-consumer', brokers: [bootstrap] }).consumer();
await producer.connect();
await consumer.connect();
consumer.assign([{ topic: TOPIC, partition: 0, offset: 0n }]);

const total = (WARMUP_SECONDS + ROUNDS * MEASURE_SECONDS) * RATE;
const warmup = WARMUP_SECONDS * RATE;
const sentAt = new Float64Array(total);
const receivedAt = new Float64Array(total);
const ackedAt = new Float64Array(total);
let received = 0;
let measureStart;
const { promise: allReceived, resolve: receivedAll } = Promise.withResolvers?.() ?? withResolvers();
await consumer.run({
  eachMessage: async ({ message }) => {
    const seq = message.value.readUInt32BE(0);
    receivedAt[seq] = performance.now();
    if (++received === total) receivedAll();
  },
});

const value = Buffer.alloc(RECORD_BYTES);
// The floor is measured before and after the producer's phase, so it brackets it in time.
const floor = await floorLatencies();
const brokerBefore = await brokerCpuMs(broker.httpPort);
const produceBefore = await brokerProduceBuckets(broker.httpPort);
// How late this process's event loop ran meanwhile: a latency tail with a matching loop delay
// comes from this process not running (GC, or the machine's other load), not from the wire.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
// The longest GC pause here: a loop stall longer than it is the machine not running this process.
let gcMax = 0;
const gcPauses = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMax = Math.max(gcMax, entry.duration);
    gcPauses.push([performance.timeOrigin + entry.startTime, entry.duration]);
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
await brokerLoopDelay();
const clientBefore = process.cpuUsage();
const waitedBefore = { client: runDelayMs('self'), broker: runDelayMs(broker.child.pid) };
const failures = [];
const start = performance.now();
await paced(total, (seq) => {
  const record = Buffer.from(value);
  record.writeUInt32BE(seq, 0);
  if (seq === warmup) measureStart = performance.now();
  sentAt[seq] = performance.now();
  producer.send({ topic: TOPIC, messages: [{ value: record }] }).then(
    () => {
      ackedAt[seq] = performance.now();
    },
    (err) => failures.push(err),
  );
});
const sendEnd = performance.now();
await allReceived;
const waited = { client: runDelayMs('self'), broker: runDelayMs(broker.child.pid) };
const waitedSeconds = (performance.now() - start) / 1000;
loopDelay.disable();
gcObserver.disconnect();
const brokerLoop = await brokerLoopDelay();
const brokerMs = (await brokerCpuMs(broker.httpPort)) - brokerBefore;
const produceAfter = await brokerProduceBuckets(broker.httpPort);
const clientCpu = process.cpuUsage(clientBefore);
if (failures.length > 0) throw failures[0];
await producer.disconnect();
await consumer.disconnect();
floor.push(...(await floorLatencies()));
floor.sort((a, b) => a - b);

// Every record's times and both processes' GC pauses, for latency-stalls.mjs to tell the stalls apart.
if (process.env.RUNNEL_BENCH_LATENCY_DUMP) {
  writeFileSync(
    process.env.RUNNEL_BENCH_LATENCY_DUMP,
    JSON.stringify({
      warmup,
      rounds: ROUNDS,
      timeOrigin: performance.timeOrigin,
      sentAt: [...sentAt],
      ackedAt: [...ackedAt],
      receivedAt: [...receivedAt],
      gc: { client: gcPauses, broker: brokerLoop.gcs },
    }),
  );
}
const latencyOf = (from, to) =>
  Array.from(receivedAt.subarray(from, to), (at, i) => at - sentAt[from + i]).sort((a, b) => a - b);
const latencies = latencyOf(warmup, total);
const perRound = MEASURE_SECONDS * RATE;
const rounds = Array.from({ length: ROUNDS }, (_, r) =>
  latencyOf(warmup + r * perRound, warmup + (r + 1) * perRound),
);
/** The rounds' `p`-th percentiles, sorted: their median at ROUNDS / 2, their spread at the ends. */
const perRoundPercentiles = (p) => rounds.map((round) => percentile(round, p)).sort((a, b) => a - b);
const roundP99s = perRoundPercentiles(99);
const p99 = roundP99s[Math.floor(ROUNDS / 2)];
report('client.latency.lingerMs0.p50', perRoundPercentiles(50)[Math.floor(ROUNDS / 2)], 'ms');
report('client.latency.lingerMs0.p99', p99, 'ms');
report('client.latency.lingerMs0.p99.rounds_min', roundP99s[0], 'ms');
report('client.latency.lingerMs0.p99.rounds_max', roundP99s.at(-1), 'ms');
report('client.latency.lingerMs0.p99_pooled', percentile(latencies, 99), 'ms');
report('client.latency.lingerMs0.max', latencies.at(-1), 'ms');
// The same trip with no Kafka in it (floorLatencies), and the p99 over the floor's p99.
report('client.latency.lingerMs0.floor.p50', percentile(floor, 50), 'ms');
report('client.latency.lingerMs0.floor.p99', percentile(floor, 99), 'ms');
report('client.latency.lingerMs0.floor.max', floor.at(-1), 'ms');
// Pooled both (the floor's two phases, the measured rounds), so one definition of p99 on each side.
report('client.latency.lingerMs0.p99_vs_floor', percentile(latencies, 99) / percentile(floor, 99), 'x');
const acks = Array.from(ackedAt.subarray(warmup), (at, i) => at - sentAt[warmup + i]).sort((a, b) => a - b);
report('client.latency.lingerMs0.ack.p50', percentile(acks, 50), 'ms');
report('client.latency.lingerMs0.ack.p99', percentile(acks, 99), 'ms');
// The broker's own time per Produce request (read to response ready), as its histogram's bucket
// bound: when this is small and ack.p99 is large, the ack waited for a process to be run.
report(
  'client.latency.lingerMs0.broker_produce.p99_bucket',
  bucketPercentile(produceBefore, produceAfter, 99),
  'ms',
);
// Excess over the histogram's 1 ms timer interval (see the header).
report('client.latency.lingerMs0.event_loop_delay.p99', loopDelay.percentile(99) / 1e6 - 1, 'ms');
report('client.latency.lingerMs0.event_loop_delay.broker.p99', brokerLoop.p99, 'ms');
// One stall of the loop delays every record sent meanwhile, so the records' p99 follows the
// loops' longest stalls more than their p99.
report('client.latency.lingerMs0.event_loop_delay.max', loopDelay.max / 1e6 - 1, 'ms');
report('client.latency.lingerMs0.event_loop_delay.broker.max', brokerLoop.max, 'ms');
report('client.latency.lingerMs0.gc_pause.max', gcMax, 'ms');
// Time each process's main thread was runnable but not running, per second of the run: what
// the machine's other load costs each side (a loop delay with as much waiting is the scheduler).
for (const side of ['client', 'broker']) {
  if (waited[side] === undefined || waitedBefore[side] === undefined) continue;
  report(
    `client.latency.lingerMs0.run_delay.${side}`,
    (waited[side] - waitedBefore[side]) / waitedSeconds,
    'ms/s',
  );
}
report('client.latency.lingerMs0.gc_pause.broker.max', brokerLoop.gcMax, 'ms');
// GC pauses over the measured records' span, per process, and the share of those records that
// were in flight (send() to handler) while either process paused.
const measuredFrom = performance.timeOrigin + sentAt[warmup];
const measuredTo = performance.timeOrigin + receivedAt[total - 1];
const spanSeconds = (measuredTo - measuredFrom) / 1000;
const pausesOf = (list) => list.filter(([at, ms]) => at + ms >= measuredFrom && at <= measuredTo);
const pauses = { client: pausesOf(gcPauses), broker: pausesOf(brokerLoop.gcs) };
for (const side of ['client', 'broker']) {
  report(`client.latency.lingerMs0.gc.count_per_s.${side}`, pauses[side].length / spanSeconds, '/s');
  report(
    `client.latency.lingerMs0.gc.pause_ms_per_s.${side}`,
    pauses[side].reduce((sum, [, ms]) => sum + ms, 0) / spanSeconds,
    'ms/s',
  );
}
const allPauses = [...pauses.client, ...pauses.broker].map(([at, ms]) => [at - performance.timeOrigin, ms]);
let duringGc = 0;
const clearOfGc = [];
for (let seq = warmup; seq < total; seq++) {
  if (allPauses.some(([at, ms]) => at < receivedAt[seq] && at + ms > sentAt[seq])) duringGc++;
  else clearOfGc.push(receivedAt[seq] - sentAt[seq]);
}
clearOfGc.sort((a, b) => a - b);
report('client.latency.lingerMs0.p99_clear_of_gc', percentile(clearOfGc, 99), 'ms');
report('client.latency.lingerMs0.in_flight_during_gc', (100 * duringGc) / (total - warmup), '%');
report('client.latency.lingerMs0.rate', latencies.length / ((sendEnd - measureStart) / 1000), 'records/s');
const runMb = (total * RECORD_BYTES) / MB;
report('client.latency.lingerMs0.cpu_ms_per_mb.broker', brokerMs / runMb, 'ms/MB');
// Producer and consumer together, with the pacing loop.
report(
  'client.latency.lingerMs0.cpu_ms_per_mb.client',
  (clientCpu.user + clientCpu.system) / 1000 / runMb,
  'ms/MB',
);
process.exit(0);

function withResolvers() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
