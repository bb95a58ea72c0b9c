// Client quotas keep one flooding producer from starving another (issue 15): the throughput and
// latency of a producer within its quota ("the other"), alone and while a second producer floods
// the same broker over its producer_byte_rate, in the same run. `npm run bench -- quota` builds
// first; after `npx nx run-many -t build -p @runnel/protocol @runnel/client @runnel/broker`,
// `node tools/bench/src/run-all.mjs quota` runs it alone. One built broker (dist, as the other
// benches: support/bench-broker.mjs), Kafka's default quota windows (11 x 1 s).
//
// - the other: @runnel/client producers (client id `other`, no quota). Throughput: one producer
//   with its defaults (acks -1, idempotent) keeping SENDS_IN_FLIGHT send() calls of
//   MESSAGES_PER_SEND 100-byte records outstanding, records/s. Latency: one producer (lingerMs 0)
//   sending one record at a time, p50 and p99 of send() in ms.
// - the flooder: client id `flooder`, quota FLOOD_QUOTA bytes/s; one connection keeping
//   FLOOD_IN_FLIGHT Produce requests (acks 1) of a FLOOD_BATCH_BYTES batch outstanding for as long
//   as the other's workloads run; its accepted bytes/s is reported against its quota. It starts
//   FLOOD_HEAD_START_MS early, so its first window's allowance (quota x 10 s, let through at once
//   as in Kafka) is spent before the other is measured.
// - for scale, the same with a flooder whose client id has no quota (`flooder-unlimited`).
// ROUNDS rounds alternate the order of the runs (alone, with the flooder over its quota), so load
// from other work on the machine falls on both alike; figures are medians over the rounds, and
// the ratios are with the flooder / alone (target: throughput >= 0.8, latency <= 1.2).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { AlterClientQuotas, Produce } from '@runnel/protocol';
import { median, report, startBenchBroker } from './support/bench-broker.mjs';
import { connectTo, createTopics, recordBatch } from './support/topics.mjs';

const ROUNDS = 3;
const RECORD_BYTES = 100;
const MESSAGES_PER_SEND = 500;
const SENDS_IN_FLIGHT = 8;
const THROUGHPUT_RECORDS = 200_000;
const LATENCY_SENDS = 300;
const FLOOD_QUOTA = 4 * 1024 * 1024;
const FLOOD_BATCH_BYTES = 256 * 1024;
const FLOOD_IN_FLIGHT = 8;
const FLOOD_HEAD_START_MS = 1500;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function setQuota(port, clientId, value) {
  const connection = await connectTo(port);
  try {
    const { entries } = await connection.request(AlterClientQuotas, {
      entries: [
        {
          entity: [{ entityType: 'client-id', entityName: clientId }],
          ops: [{ key: 'producer_byte_rate', value, remove: false }],
        },
      ],
    });
    if (entries[0].errorCode !== 0) throw new Error(`AlterClientQuotas: ${entries[0].errorMessage}`);
  } finally {
    await connection.close();
  }
}

/** Floods `topic` from client id `clientId` until `stop()`; resolves with the bytes/s the broker accepted. */
async function startFlood(port, clientId, topic, batch) {
  const connection = await connectTo(port, clientId);
  let stopping = false;
  let bytes = 0;
  const started = performance.now();
  const sender = async () => {
    while (!stopping) {
      const response = await connection.request(Produce, {
        acks: 1,
        timeoutMs: 30_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
      });
      if (response.responses[0].partitionResponses[0].errorCode !== 0)
        throw new Error('flood produce failed');
      bytes += batch.length;
    }
  };
  const senders = Promise.all(Array.from({ length: FLOOD_IN_FLIGHT }, sender));
  await new Promise((resolve) => setTimeout(resolve, FLOOD_HEAD_START_MS));
  const measuredFrom = bytes;
  const measuredAt = performance.now();
  return async () => {
    stopping = true;
    const rate = ((bytes - measuredFrom) * 1000) / (performance.now() - measuredAt);
    await senders;
    await connection.close();
    return { rate, totalRate: (bytes * 1000) / (performance.now() - started) };
  };
}

function sendsOf(count) {
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

/** The other producer's workloads; resolves with records/s, p50 and p99 ms. */
async function otherWorkloads(bootstrap, topic, sends) {
  const runnel = new Runnel({ clientId: 'other', brokers: [bootstrap] });
  const throughput = runnel.producer();
  await throughput.connect();
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: SENDS_IN_FLIGHT }, async () => {
      while (next < sends.length) await throughput.send({ topic, messages: sends[next++] });
    }),
  );
  const recordsPerSecond = (THROUGHPUT_RECORDS * 1000) / (performance.now() - start);
  await throughput.disconnect();
  const single = runnel.producer({ lingerMs: 0 });
  await single.connect();
  const value = randomBytes(RECORD_BYTES);
  const times = [];
  for (let i = 0; i < LATENCY_SENDS + 20; i++) {
    const sent = performance.now();
    await single.send({ topic, value });
    if (i >= 20) times.push(performance.now() - sent);
  }
  await single.disconnect();
  return { recordsPerSecond, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-quota-bench-'));
const bench = await startBenchBroker(dataDir);
try {
  await createTopics(bench.port, ['other', 'flood'], 1);
  await setQuota(bench.port, 'flooder', FLOOD_QUOTA);
  const batch = await recordBatch(FLOOD_BATCH_BYTES / 1024, 1024 - 20);
  const sends = sendsOf(THROUGHPUT_RECORDS);
  await otherWorkloads(bench.bootstrap, 'other', sendsOf(20_000)); // warm-up
  const runs = { alone: [], throttled: [], unlimited: [] };
  const flooded = { throttled: [], unlimited: [] };
  const run = async (kind) => {
    if (kind === 'alone') {
      runs.alone.push(await otherWorkloads(bench.bootstrap, 'other', sends));
      return;
    }
    const stop = await startFlood(
      bench.port,
      kind === 'throttled' ? 'flooder' : 'flooder-unlimited',
      'flood',
      batch,
    );
    runs[kind].push(await otherWorkloads(bench.bootstrap, 'other', sends));
    flooded[kind].push(await stop());
  };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['alone', 'throttled'] : ['throttled', 'alone'];
    for (const kind of order) await run(kind);
  }
  // For scale only, once: what the flood does without a quota.
  await run('unlimited');
  const figure = (kind, key) => median(runs[kind].map((m) => m[key]));
  for (const kind of ['alone', 'throttled', 'unlimited']) {
    const name = {
      alone: 'alone',
      throttled: 'with_flooder_over_quota',
      unlimited: 'with_flooder_unlimited',
    }[kind];
    report(`quota.other.${name}.records_per_s`, figure(kind, 'recordsPerSecond'), 'records/s');
    report(`quota.other.${name}.send_p50`, figure(kind, 'p50'), 'ms');
    report(`quota.other.${name}.send_p99`, figure(kind, 'p99'), 'ms');
  }
  report(
    'quota.other.throughput_ratio',
    figure('throttled', 'recordsPerSecond') / figure('alone', 'recordsPerSecond'),
    'x',
  );
  report('quota.other.p50_ratio', figure('throttled', 'p50') / figure('alone', 'p50'), 'x');
  report('quota.other.p99_ratio', figure('throttled', 'p99') / figure('alone', 'p99'), 'x');
  // While the other is measured the flooder has spent its first window's allowance (Kafka lets
  // quota x (samples - 1) s through at once), so it gets little until that leaves the window;
  // from its start, burst included, it is near its quota.
  const over = (key) => median(flooded.throttled.map((f) => f[key]));
  report('quota.flooder.over_quota.accepted_bytes_per_s', over('rate'), 'B/s');
  report('quota.flooder.over_quota.accepted_vs_quota', over('rate') / FLOOD_QUOTA, 'x');
  report('quota.flooder.over_quota.accepted_since_start_vs_quota', over('totalRate') / FLOOD_QUOTA, 'x');
  report('quota.flooder.unlimited.accepted_bytes_per_s', median(flooded.unlimited.map((f) => f.rate)), 'B/s');
} finally {
  await bench.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
