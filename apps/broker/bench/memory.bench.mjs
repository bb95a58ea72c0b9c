// The broker's memory under many parked requests and large frames, and whether a normal client is
// still served meanwhile (issue 12's fourth figure). Whatever limits the broker has (in-flight
// requests per connection, `queued.max.request.bytes`) are what bound this; the bench only loads
// the broker and measures.
// Needs a build first (`npm run bench -- memory` builds everything). Prints one JSON line per
// figure, {"bench": name, "value": n, "unit": u}; each is the median over ROUNDS rounds, each
// round on a fresh broker (the peak RSS, VmHWM, is per process).
//
// A round, on the built broker in a child process with its defaults:
// - a normal client: @runnel/client's producer (acks 1, lingerMs 0) sends one 100-byte record
//   every 1/NORMAL_RATE s to its own topic for IDLE_MS before the load (`.idle` figures) and then
//   throughout it;
// - LONG_POLL_CONNECTIONS raw TCP connections each write LONG_POLLS_PER_CONNECTION Fetch v11
//   requests at once (pipelined) for an empty partition, maxWaitMs longer than the round, so all
//   of them stay parked;
// - LARGE_CONNECTIONS raw connections each keep LARGE_IN_FLIGHT Produce v7 requests (acks 1) of
//   LARGE_PARTITIONS batches of about 1 MB (a frame of about 8 MB) outstanding for LOAD_MS.
// The broker's RSS comes from /proc/<pid>/status: VmRSS before the load, VmHWM (peak) at the end.
// Figures: RSS before and peak (MB, 10^6 bytes), the large produce's acknowledged MB/s, and the
// normal client's send-to-ack p50/p99/max during the load and before it, plus how many of its
// sends failed or were not acknowledged within ACK_GRACE_MS after the load; then `close_stall`:
// from closing every load connection (their parked requests with them) to the normal client's
// next acknowledgement, at most CLOSE_STALL_CAP_MS. The normal client shares this process with the
// load's sockets: `bench_loop_delay_p99`, this process's own event-loop delay over the load, is
// the control (when it is small, the normal client's latency is the broker's).
// Knobs: RUNNEL_BENCH_QUICK=1 runs one round of 3 s; RUNNEL_BENCH_ROUNDS; RUNNEL_BENCH_BROKER as
// in request-path.bench.mjs; RUNNEL_BENCH_PROFILE=<file> writes the broker's CPU profile of the
// load there (support/cpu-profile-top.mjs prints its top functions).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Runnel } from '@runnel/client';
import { encodeRequestFrame, Fetch, Produce } from '@runnel/protocol';
import { median, report, startBenchBroker } from './support/bench-broker.mjs';
import { createTopics, recordBatch } from './support/topics.mjs';

const QUICK = process.env.RUNNEL_BENCH_QUICK === '1';
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const LOAD_MS = QUICK ? 3000 : 6000;
const IDLE_MS = 1000;
const ACK_GRACE_MS = 30_000;
/** The close stall is not waited for longer than this (a figure at the cap means at least that). */
const CLOSE_STALL_CAP_MS = 10_000;
const LONG_POLL_CONNECTIONS = 500;
const LONG_POLLS_PER_CONNECTION = 100;
const LARGE_CONNECTIONS = 16;
const LARGE_IN_FLIGHT = 4;
const LARGE_PARTITIONS = 8;
const LARGE_BATCH_RECORDS = 1000;
const LARGE_RECORD_BYTES = 1000;
const NORMAL_RATE = 500;
const MB = 1e6;
const PREFIX = 'broker.memory';
/** A file for the broker's CPU profile of the load (the last round's), when set. */
const PROFILE = process.env.RUNNEL_BENCH_PROFILE;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Opens a raw TCP connection to the broker. */
async function rawConnection(port) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await once(socket, 'connect');
  return socket;
}

/** Calls `onFrame()` for every whole response frame `socket` delivers (size-prefixed frames). */
function countFrames(socket, onFrame) {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      pending = pending.subarray(4 + pending.readInt32BE(0));
      onFrame();
    }
  });
}

/** LONG_POLLS_PER_CONNECTION Fetch v11 frames in one buffer, each waiting `maxWaitMs` for partition 0 of `topic`. */
function longPollFrames(topic, maxWaitMs) {
  const frames = [];
  for (let i = 0; i < LONG_POLLS_PER_CONNECTION; i++) {
    frames.push(
      encodeRequestFrame(
        Fetch,
        11,
        { correlationId: i, clientId: 'memory-bench-poll' },
        {
          maxWaitMs,
          minBytes: 1,
          maxBytes: 52_428_800,
          topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1_048_576 }] }],
          forgottenTopicsData: [],
        },
      ),
    );
  }
  return Buffer.concat(frames);
}

/** One Produce v7 frame of LARGE_PARTITIONS copies of `batch`, one per partition of `topic`. */
function largeProduceFrame(topic, batch) {
  return encodeRequestFrame(
    Produce,
    7,
    { correlationId: 1, clientId: 'memory-bench-large' },
    {
      acks: 1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: topic,
          partitionData: Array.from({ length: LARGE_PARTITIONS }, (_, index) => ({ index, records: batch })),
        },
      ],
    },
  );
}

/** Sends one record every 1/NORMAL_RATE s; `stop()` resolves with the sorted ack latencies (ms) and the failures. */
function pacedProducer(producer, topic) {
  const value = Buffer.alloc(100, 0x63);
  const latencies = [];
  const pending = [];
  let failed = 0;
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * NORMAL_RATE);
    for (; sent < due; sent++) {
      const at = performance.now();
      pending.push(
        producer.send({ topic, messages: [{ value }] }).then(
          () => latencies.push(performance.now() - at),
          () => failed++,
        ),
      );
    }
  }, 1);
  return async () => {
    clearInterval(timer);
    let timedOut = false;
    const grace = new Promise((resolve) =>
      setTimeout(() => {
        timedOut = true;
        resolve();
      }, ACK_GRACE_MS).unref(),
    );
    await Promise.race([Promise.all(pending), grace]);
    const unanswered = timedOut ? sent - latencies.length - failed : 0;
    return { latencies: latencies.sort((a, b) => a - b), failed: failed + unanswered };
  };
}

async function round(dataDir, batch) {
  const broker = await startBenchBroker(dataDir, PROFILE ? { cpuProfile: PROFILE } : {});
  const sockets = [];
  try {
    await createTopics(broker.port, ['normal', 'idle']);
    await createTopics(broker.port, ['large'], LARGE_PARTITIONS);
    const producer = new Runnel({ clientId: 'memory-bench-normal', brokers: [broker.bootstrap] }).producer({
      acks: 1,
      lingerMs: 0,
    });
    await producer.connect();
    const idle = pacedProducer(producer, 'normal');
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const beforeLoad = await idle();
    const rssBefore = broker.rss();

    if (PROFILE) await broker.profileStart();
    const ownLoop = monitorEventLoopDelay({ resolution: 1 });
    ownLoop.enable();
    const normal = pacedProducer(producer, 'normal');
    const polls = longPollFrames('idle', LOAD_MS + ACK_GRACE_MS + 60_000);
    let pollsAnswered = 0;
    for (let c = 0; c < LONG_POLL_CONNECTIONS; c++) {
      const socket = await rawConnection(broker.port);
      sockets.push(socket);
      countFrames(socket, () => pollsAnswered++);
      socket.write(polls);
    }
    const frame = largeProduceFrame('large', batch);
    let largeAcked = 0;
    let loading = true;
    const loadStart = performance.now();
    for (let c = 0; c < LARGE_CONNECTIONS; c++) {
      const socket = await rawConnection(broker.port);
      sockets.push(socket);
      countFrames(socket, () => {
        largeAcked++;
        if (loading) socket.write(frame);
      });
      for (let i = 0; i < LARGE_IN_FLIGHT; i++) socket.write(frame);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, LOAD_MS - (performance.now() - loadStart))),
    );
    loading = false;
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const during = await normal();
    ownLoop.disable();
    if (PROFILE) await broker.profileStop();
    const peakRss = broker.peakRss();
    // How long the broker is unavailable while it lets go of the parked requests of connections
    // that close: the time from closing every load connection to the normal client's next ack.
    for (const socket of sockets.splice(0)) socket.destroy();
    const closedAt = performance.now();
    const closeStallMs = await Promise.race([
      producer
        .send({ topic: 'normal', messages: [{ value: Buffer.alloc(100) }] })
        .then(() => performance.now() - closedAt),
      new Promise((resolve) => setTimeout(() => resolve(CLOSE_STALL_CAP_MS), CLOSE_STALL_CAP_MS).unref()),
    ]);
    await producer.disconnect();
    return {
      rssBefore,
      peakRss,
      largeMbPerSecond:
        (largeAcked * LARGE_PARTITIONS * LARGE_BATCH_RECORDS * LARGE_RECORD_BYTES) / MB / loadSeconds,
      pollsAnsweredEarly: pollsAnswered,
      closeStallMs,
      ownLoopP99: ownLoop.percentile(99) / 1e6,
      idle: beforeLoad,
      during,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    // Killed, not stopped: its data is thrown away, and a clean shutdown would wait out the close stall.
    await broker.kill();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-memory-bench-'));
try {
  const batch = await recordBatch(LARGE_BATCH_RECORDS, LARGE_RECORD_BYTES);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(join(dataDir, String(r)), batch));
  const figure = (name, unit, of) => report(`${PREFIX}.${name}`, median(rounds.map(of)), unit);
  figure('rss_before_mb', 'MB', (r) => r.rssBefore / MB);
  figure('rss_peak_mb', 'MB', (r) => r.peakRss / MB);
  figure('large_produce_mb_per_s', 'MB/s', (r) => r.largeMbPerSecond);
  figure('long_polls_answered_early', 'requests', (r) => r.pollsAnsweredEarly);
  figure('normal_produce_ack_p50', 'ms', (r) => percentile(r.during.latencies, 50));
  figure('normal_produce_ack_p99', 'ms', (r) => percentile(r.during.latencies, 99));
  figure('normal_produce_ack_max', 'ms', (r) => r.during.latencies.at(-1));
  figure('normal_produce_failed', 'records', (r) => r.during.failed);
  figure('normal_produce_ack_p99.idle', 'ms', (r) => percentile(r.idle.latencies, 99));
  figure('close_stall', 'ms', (r) => r.closeStallMs);
  figure('bench_loop_delay_p99', 'ms', (r) => r.ownLoopP99);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
