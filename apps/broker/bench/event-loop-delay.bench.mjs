// The broker's event-loop delay while a consumer reads a large log from its start and a producer
// writes at the same time (issue 12's third figure: p99 at most 5 ms). A read that blocks the
// loop delays every other connection's requests; this is where it shows.
// Needs a build first (`npm run bench -- event-loop-delay` builds everything). Prints one JSON
// line per figure, {"bench": name, "value": n, "unit": u}; each is the median over ROUNDS rounds.
//
// The built broker runs in a child process with support/loop-probe.mjs loaded (`--import`):
// perf_hooks' monitorEventLoopDelay at 1 ms resolution inside the broker, read and reset with
// SIGUSR2, so the figures cover exactly the measured interval (an idle loop reads about 1 ms, the
// timer's own period; the figure is the histogram's value, not less that millisecond).
// Set-up: HISTORY_BYTES of records of HISTORY_RECORD_BYTES bytes appended to one partition with
// raw Produce requests of 1,000-record batches (about 1 MB each). A round: kcat reads
// HISTORY_RECORDS records from offset 0 (`kcat -C -o beginning -c`, librdkafka's default fetch
// sizes, its output to /dev/null) while @runnel/client's producer (acks 1, lingerMs 0) sends one
// PRODUCE_RECORD_BYTES-byte record every 1/PRODUCE_RATE s to the same partition, as an
// application would. Each round reads twice: `warm`, the log in the page cache (it was just
// written), so the read is the broker's own work; then `cold`, the log's files dropped from the
// page cache first (support/page-cache.mjs), so every read goes to the disk, as a consumer far
// behind meets it. Without /usr/bin/kcat, @runnel/client's consumer reads.
//
// Figures, per variant: the broker's loop delay p50/p99/max and longest GC pause over the read;
// the read's MB/s; the producer's send-to-ack p50/p99 meanwhile (what a normal client sees).
// Knobs: RUNNEL_BENCH_QUICK=1 reads 256 MiB once; RUNNEL_BENCH_ROUNDS; RUNNEL_BENCH_BROKER as in
// request-path.bench.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { median, report, startBenchBroker } from './support/bench-broker.mjs';
import { kcatConsume, kcatMissing } from './support/kcat.mjs';
import { evictFromPageCache, evictionMissing } from './support/page-cache.mjs';
import { appendBatches, createTopics, recordBatch } from './support/topics.mjs';

const QUICK = process.env.RUNNEL_BENCH_QUICK === '1';
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const HISTORY_BYTES = (QUICK ? 256 : 1024) * 1024 * 1024;
const HISTORY_RECORD_BYTES = 1000;
const BATCH_RECORDS = 1000;
const HISTORY_BATCHES = Math.ceil(HISTORY_BYTES / (HISTORY_RECORD_BYTES * BATCH_RECORDS));
const HISTORY_RECORDS = HISTORY_BATCHES * BATCH_RECORDS;
const PRODUCE_RATE = 2000;
const PRODUCE_RECORD_BYTES = 100;
const TOPIC = 'history';
const MB = 1e6;
const PREFIX = 'broker.event_loop';

const kcatProblem = kcatMissing();
if (kcatProblem)
  process.stderr.write(`event-loop-delay bench: ${kcatProblem}; @runnel/client's consumer reads instead\n`);
const evictionProblem = evictionMissing();
if (evictionProblem)
  process.stderr.write(`event-loop-delay bench: ${evictionProblem}; the cold figures are skipped\n`);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Reads HISTORY_RECORDS records of TOPIC from offset 0 with @runnel/client's consumer (when kcat is missing). */
async function clientRead(bootstrap) {
  const consumer = new Runnel({ clientId: 'event-loop-reader', brokers: [bootstrap] }).consumer();
  await consumer.connect();
  try {
    consumer.assign([{ topic: TOPIC, partition: 0, offset: 0n }]);
    let seen = 0;
    await new Promise((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            if (seen >= HISTORY_RECORDS) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Sends one record every 1/PRODUCE_RATE s until `stop()`; resolves then with the send-to-ack
 * latencies (ms) of every record, sorted.
 */
function pacedProducer(producer) {
  const value = Buffer.alloc(PRODUCE_RECORD_BYTES, 0x62);
  const latencies = [];
  const pending = [];
  let stopped = false;
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * PRODUCE_RATE);
    for (; sent < due && !stopped; sent++) {
      const at = performance.now();
      pending.push(
        producer
          .send({ topic: TOPIC, messages: [{ value }] })
          .then(() => latencies.push(performance.now() - at)),
      );
    }
  }, 1);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.all(pending);
    return latencies.sort((a, b) => a - b);
  };
}

/**
 * One round: the broker's loop delay (from the probe) while kcat reads the history and the paced
 * producer writes; `cold` drops the log from the page cache first.
 */
async function round(broker, producer, dataDir, cold) {
  if (cold) evictFromPageCache(join(dataDir, `${TOPIC}-0`));
  globalThis.gc?.();
  await broker.loopDelay();
  const stopProducer = pacedProducer(producer);
  const start = performance.now();
  if (kcatProblem) await clientRead(broker.bootstrap);
  else await kcatConsume(broker.bootstrap, TOPIC, HISTORY_RECORDS);
  const seconds = (performance.now() - start) / 1000;
  const loop = await broker.loopDelay();
  const acks = await stopProducer();
  return { ...loop, readMbPerSecond: (HISTORY_RECORDS * HISTORY_RECORD_BYTES) / MB / seconds, acks };
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-event-loop-bench-'));
try {
  const broker = await startBenchBroker(dataDir, { loopProbe: true });
  await createTopics(broker.port, [TOPIC]);
  await appendBatches(
    broker.port,
    TOPIC,
    await recordBatch(BATCH_RECORDS, HISTORY_RECORD_BYTES),
    HISTORY_BATCHES,
  );
  const producer = new Runnel({ clientId: 'event-loop-producer', brokers: [broker.bootstrap] }).producer({
    acks: 1,
    lingerMs: 0,
  });
  await producer.connect();
  const rounds = { warm: [], cold: [] };
  for (let r = 0; r < ROUNDS; r++) {
    rounds.warm.push(await round(broker, producer, dataDir, false));
    if (!evictionProblem) rounds.cold.push(await round(broker, producer, dataDir, true));
  }
  await producer.disconnect();
  await broker.stop();

  for (const [variant, measured] of Object.entries(rounds)) {
    if (measured.length === 0) continue;
    const figure = (name, unit, of) => report(`${PREFIX}.${variant}.${name}`, median(measured.map(of)), unit);
    figure('delay_p50', 'ms', (r) => r.p50);
    figure('delay_p99', 'ms', (r) => r.p99);
    figure('delay_max', 'ms', (r) => r.max);
    figure('gc_max', 'ms', (r) => r.gcMax);
    figure('read_mb_per_s', 'MB/s', (r) => r.readMbPerSecond);
    figure('produce_ack_p50', 'ms', (r) => percentile(r.acks, 50));
    figure('produce_ack_p99', 'ms', (r) => percentile(r.acks, 99));
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
