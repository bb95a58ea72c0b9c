// The broker's request path against the floor of the machine (issue 12's first two figures): the
// broker's CPU per MB with kcat (librdkafka, C) and with @runnel/client as producer and as
// consumer, each beside a raw floor loop measured in the same round, and kcat's records/s
// through the broker with kcat's own CPU per MB, to show which side is the limit.
// Needs a build first (`npm run bench -- request-path` builds everything). Prints one JSON line
// per figure, {"bench": name, "value": n, "unit": u}; every figure is the median over ROUNDS
// rounds, after one warm-up round of WARMUP_RECORDS that is not reported.
//
// A round, on the built broker in a child process (support/bench-broker.mjs) with a fresh data
// directory, its defaults otherwise (one partition per topic, appends to the page cache):
// - floor: support/floor-loop.mjs in a child process takes RECORDS * RECORD_BYTES bytes from a
//   TCP socket, written by this process in 16 KiB writes, and appends each chunk it reads to a
//   file (socket in, file out); then reads that file in 1 MiB chunks and writes them to a socket
//   this process drains (file in, socket out). Its CPU per MB is the floor of produce and fetch.
// - kcat: `kcat -P -X acks=1 -l` of RECORDS lines of RECORD_BYTES bytes (librdkafka's defaults:
//   linger 5 ms, batches up to 1 MB), then `kcat -C -o beginning -c RECORDS` of that topic (its
//   output to /dev/null; it exits 0 only once it has read them all).
// - client: @runnel/client's producer (acks 1, its defaults: lingerMs 5, batchSize 16384) sending
//   RECORDS random RECORD_BYTES-byte values, SENDS_IN_FLIGHT send() calls of MESSAGES_PER_SEND
//   outstanding; then its consumer in assign mode reading them back with `eachBatch`.
// CPU is user + system of every thread of the process (support/bench-broker.mjs's cpuMsOf,
// /proc schedstat, read from outside so the broker pays nothing for it), from just before the
// client starts to its end; kcat's comes from the shell's `times`. MB is 10^6 bytes of record
// values (batch and request framing not counted); the floor moves the same number of bytes.
// `.vs_floor` is the broker's CPU per MB over the floor's in the same round (target at most 2);
// `.busy.*` each side's CPU time over the wall time, in cores (1 = one core kept busy throughout);
// `.requests_per_mb` the Produce or Fetch requests the broker answered per MB (its /metrics), as
// the CPU per MB of a request path depends on how many requests carry the bytes.
//
// Knobs: RUNNEL_BENCH_QUICK=1 runs 3 rounds of 200,000 records; RUNNEL_BENCH_ROUNDS and
// RUNNEL_BENCH_RECORDS set either; RUNNEL_BENCH_BROKER=<dir of an @runnel/broker package> runs
// that build of the broker (the same client either way); RUNNEL_BENCH_CLIENTS=client (or kcat)
// runs only that client's paths, the floors always. Without /usr/bin/kcat the kcat figures are
// skipped with one line on stderr.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { median, report, startBenchBroker } from './support/bench-broker.mjs';
import { fileToSocketFloor, socketToFileFloor } from './support/floor.mjs';
import { kcatConsume, kcatMissing, kcatProduce, writeRecordLines } from './support/kcat.mjs';
import { createTopics } from './support/topics.mjs';

const QUICK = process.env.RUNNEL_BENCH_QUICK === '1';
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? (QUICK ? 3 : 5));
const RECORDS = Number(process.env.RUNNEL_BENCH_RECORDS ?? (QUICK ? 200_000 : 1_000_000));
const WARMUP_RECORDS = Math.min(RECORDS, 200_000);
const RECORD_BYTES = 100;
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;
const MB = 1e6;
const PREFIX = 'broker.request_path';

const CLIENTS = process.env.RUNNEL_BENCH_CLIENTS ?? 'both';
if (!['both', 'kcat', 'client'].includes(CLIENTS)) {
  throw new Error(`RUNNEL_BENCH_CLIENTS must be both, kcat or client, not ${CLIENTS}`);
}
const kcatProblem = CLIENTS === 'client' ? 'RUNNEL_BENCH_CLIENTS=client' : kcatMissing();
if (kcatProblem) process.stderr.write(`request-path bench: ${kcatProblem}; the kcat figures are skipped\n`);

/** `count` messages of RECORD_BYTES random bytes, in send() calls of MESSAGES_PER_SEND. */
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

/**
 * Runs `fn` (resolving with { cpuMs } of the client when it measures one) and adds the broker's
 * CPU, the wall time and the requests of `api` the broker answered meanwhile (its /metrics,
 * scraped outside the CPU interval).
 */
async function measured(broker, records, api, fn) {
  globalThis.gc?.();
  const requestsBefore = await broker.requestCount(api);
  const brokerBefore = broker.cpuMs();
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const result = (await fn()) ?? {};
  const seconds = (performance.now() - start) / 1000;
  const brokerMs = broker.cpuMs() - brokerBefore;
  const client = process.cpuUsage(clientBefore);
  const requests = (await broker.requestCount(api)) - requestsBefore;
  return {
    records,
    seconds,
    brokerMs,
    requests,
    clientMs: result.cpuMs ?? (client.user + client.system) / 1000,
  };
}

/** Measures one produce of `sends` by @runnel/client, connected before the clock starts. */
async function measureClientProduce(broker, topic, sends, records) {
  const producer = new Runnel({ clientId: 'request-path-producer', brokers: [broker.bootstrap] }).producer({
    acks: 1,
  });
  await producer.connect();
  try {
    return await measured(broker, records, 'Produce', async () => {
      let next = 0;
      const sender = async () => {
        while (next < sends.length) await producer.send({ topic, messages: sends[next++] });
      };
      await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
    });
  } finally {
    await producer.disconnect();
  }
}

/** Measures one read of `topic` from offset 0 by @runnel/client's consumer (assign mode, eachBatch). */
async function measureClientFetch(broker, topic, records) {
  const consumer = new Runnel({ clientId: 'request-path-consumer', brokers: [broker.bootstrap] }).consumer();
  await consumer.connect();
  try {
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    return await measured(broker, records, 'Fetch', async () => {
      let seen = 0;
      let bytes = 0;
      await new Promise((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              for (const message of batch.messages) bytes += message.value.length;
              seen += batch.messages.length;
              if (seen >= records) resolve();
            },
          })
          .catch(reject);
      });
      if (seen !== records || bytes !== records * RECORD_BYTES) {
        throw new Error(
          `consumer read ${seen} records of ${bytes} bytes, expected ${records} of ${RECORD_BYTES}`,
        );
      }
    });
  } finally {
    await consumer.disconnect();
  }
}

/** One round's measurements, keyed by path ('floor.socket_to_file', 'kcat.produce', ...). */
async function round(broker, dataDir, name, records, linesFile, sends) {
  const bytes = records * RECORD_BYTES;
  const floorFile = join(dataDir, `floor-${name}.bin`);
  const result = {};
  result['floor.socket_to_file'] = await socketToFileFloor(floorFile, bytes);
  result['floor.file_to_socket'] = await fileToSocketFloor(floorFile, bytes);
  rmSync(floorFile);
  await createTopics(broker.port, [`kcat-${name}`, `client-${name}`]);
  if (!kcatProblem) {
    result['kcat.produce'] = await measured(broker, records, 'Produce', () =>
      kcatProduce(broker.bootstrap, `kcat-${name}`, linesFile),
    );
    result['kcat.fetch'] = await measured(broker, records, 'Fetch', () =>
      kcatConsume(broker.bootstrap, `kcat-${name}`, records),
    );
  }
  if (CLIENTS !== 'kcat') {
    result['client.produce'] = await measureClientProduce(broker, `client-${name}`, sends, records);
    result['client.fetch'] = await measureClientFetch(broker, `client-${name}`, records);
  }
  return result;
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-request-path-bench-'));
let broker;
try {
  broker = await startBenchBroker(join(dataDir, 'broker'));
  const linesFile = join(dataDir, 'records.txt');
  writeRecordLines(linesFile, RECORDS, RECORD_BYTES);
  const warmupLines = join(dataDir, 'warmup.txt');
  writeRecordLines(warmupLines, WARMUP_RECORDS, RECORD_BYTES);
  await round(broker, dataDir, 'warmup', WARMUP_RECORDS, warmupLines, messagesOf(WARMUP_RECORDS));

  const sends = messagesOf(RECORDS);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++)
    rounds.push(await round(broker, dataDir, String(r), RECORDS, linesFile, sends));

  const figure = (name, unit, of) => report(`${PREFIX}.${name}`, median(rounds.map(of)), unit);
  const mb = (RECORDS * RECORD_BYTES) / MB;
  for (const floor of ['socket_to_file', 'file_to_socket']) {
    figure(`floor.${floor}.cpu_ms_per_mb`, 'ms/MB', (r) => r[`floor.${floor}`].cpuMsPerMb);
    figure(`floor.${floor}.mb_per_s`, 'MB/s', (r) => r[`floor.${floor}`].mbPerSecond);
  }
  const paths = [
    ['kcat.produce', 'kcat', 'floor.socket_to_file'],
    ['kcat.fetch', 'kcat', 'floor.file_to_socket'],
    ['client.produce', 'client', 'floor.socket_to_file'],
    ['client.fetch', 'client', 'floor.file_to_socket'],
  ];
  for (const [path, client, floor] of paths) {
    if (!rounds[0][path]) continue;
    figure(`${path}.records_per_s`, 'records/s', (r) => r[path].records / r[path].seconds);
    figure(`${path}.cpu_ms_per_mb.broker`, 'ms/MB', (r) => r[path].brokerMs / mb);
    figure(`${path}.cpu_ms_per_mb.${client}`, 'ms/MB', (r) => r[path].clientMs / mb);
    figure(`${path}.vs_floor`, 'x', (r) => r[path].brokerMs / mb / r[floor].cpuMsPerMb);
    // Fewer, larger requests cost the broker less per MB: a change in CPU per MB may be the client's batching.
    figure(`${path}.requests_per_mb`, 'requests/MB', (r) => r[path].requests / mb);
    // Share of one core each side kept busy: neither near 1 means both waited on the other or the wire.
    figure(`${path}.busy.broker`, 'cores', (r) => r[path].brokerMs / 1000 / r[path].seconds);
    figure(`${path}.busy.${client}`, 'cores', (r) => r[path].clientMs / 1000 / r[path].seconds);
  }
  await broker.stop();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
