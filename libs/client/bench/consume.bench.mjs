// Consumer throughput of @runnel/client beside kafkajs 2.2.4 and @platformatic/kafka, on the same
// broker and the same records, with the CPU each side spends per MB, so a reader can tell which
// side is the limit. Needs a build first (`npx nx run-many -t build -p @runnel/client
// @runnel/broker`): it runs the built broker, apps/broker/dist/main.js, in a child process on a
// fresh data directory (removed at the end; the child is killed at exit whatever happens).
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// Workload: RECORDS records of RECORD_BYTES random bytes (no key, no headers) pre-loaded into a
// topic of PARTITIONS partitions as batches of BATCH_RECORDS records, written with raw Produce
// requests (so no producer is measured). Each client then reads the whole topic from offset 0,
// with its default fetch sizes:
// - runnel: `runnel.consumer()` in assign mode, `run({ eachBatch })` and `run({ eachMessage })`;
// - kafkajs: a group consumer (fromBeginning), eachBatch and eachMessage;
// - platformatic: a group consumer stream (`consume({ mode: 'earliest' })`), one 'data' event per record.
//   @platformatic/kafka speaks only Kafka 3.5+'s versions (Fetch v12+, JoinGroup v6+, the batched
//   FindCoordinator v4 and OffsetFetch v8), all of which our broker serves (Fetch 4-12, FindCoordinator
//   0-4, OffsetFetch 0-8). Should it fail (a version it needs no longer served), this script reports
//   the error on stderr and prints no platformatic figure.
// The clock starts when the client is ready to receive (run() resolved; kafkajs's GROUP_JOIN;
// platformatic's consume() resolved), so group joins are not counted, and stops at the last record.
// Every record is counted and its value length summed, and a run fails unless it saw exactly
// RECORDS records of RECORD_BYTES each.
//
// CPU: over each measured interval, the broker's process_cpu_seconds_total (its /metrics) and this
// process's process.cpuUsage() (the client). MB is 10^6 bytes of record values. Figures are
// medians over ROUNDS rounds for runnel and PEER_ROUNDS for the peers (which take far longer).
// Ratios are runnel's median over the peer's, same handler style where the peer has it
// (platformatic has only per-record delivery, compared with both of runnel's); each `.cpu` ratio
// is the peer's client CPU per MB over runnel's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The broker under the bench: this workspace's build, or the @runnel/broker package directory named
// by RUNNEL_BENCH_BROKER (a snapshot of another commit, as apps/broker/bench/build-snapshot.mjs
// makes), so one client can be measured against two broker builds.
const { BrokerProcess } = await import(
  process.env.RUNNEL_BENCH_BROKER
    ? pathToFileURL(join(resolve(process.env.RUNNEL_BENCH_BROKER), 'dist', 'testing.js')).href
    : '@runnel/broker/testing'
);

// @platformatic/kafka declares Node 22; on Node 20 it needs only Promise.withResolvers.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { Kafka, logLevel } = await import('kafkajs');
const platformatic = await import('@platformatic/kafka');
const { Runnel } = await import('../dist/index.js');
const { brokerCpuMs, preloadTopic, runConsumer } = await import('./support/consume-topic.mjs');

const RECORDS = Number(process.env.CONSUME_RECORDS ?? 2_000_000);
const RECORD_BYTES = 100;
const PARTITIONS = 4;
const BATCH_RECORDS = 1000;
const ROUNDS = 5;
const PEER_ROUNDS = 1;
const TOPIC = 'consume-bench';
const MB = 1e6;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measured(httpPort, consume) {
  globalThis.gc?.();
  let records = 0;
  let bytes = 0;
  let startedAt = 0;
  let before;
  const { promise: done, resolve } = Promise.withResolvers();
  const started = async () => {
    before = { broker: await brokerCpuMs(httpPort), client: process.cpuUsage() };
    startedAt = performance.now();
  };
  const onRecords = (count, size) => {
    records += count;
    bytes += size;
    if (records >= RECORDS) resolve();
  };
  const stop = await consume(onRecords, started);
  await done;
  const seconds = (performance.now() - startedAt) / 1000;
  const client = process.cpuUsage(before.client);
  const brokerMs = (await brokerCpuMs(httpPort)) - before.broker;
  await stop();
  if (records !== RECORDS || bytes !== RECORDS * RECORD_BYTES) {
    throw new Error(`read ${records} records of ${bytes} bytes, expected ${RECORDS} of ${RECORD_BYTES} each`);
  }
  return { records, seconds, brokerMs, clientMs: (client.user + client.system) / 1000 };
}

function runnelConsume(port, style) {
  return async (onRecords, started) => {
    const runnel = new Runnel({ clientId: 'consume-bench', brokers: [`127.0.0.1:${port}`] });
    const consumer = runnel.consumer();
    await consumer.connect();
    consumer.assign(
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition, offset: 0n })),
    );
    await started();
    await runConsumer(consumer, style, PARTITIONS, onRecords);
    return () => consumer.disconnect();
  };
}

let groups = 0;

function kafkajsConsume(port, style) {
  return async (onRecords, started) => {
    const kafka = new Kafka({
      clientId: 'consume-bench',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `kafkajs-${++groups}` });
    consumer.on(consumer.events.GROUP_JOIN, () => void started());
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    const partitionsConsumedConcurrently = PARTITIONS;
    if (style === 'eachBatch') {
      await consumer.run({
        partitionsConsumedConcurrently,
        eachBatch: async ({ batch }) => {
          let size = 0;
          for (const message of batch.messages) size += message.value.length;
          onRecords(batch.messages.length, size);
        },
      });
    } else {
      await consumer.run({
        partitionsConsumedConcurrently,
        eachMessage: async ({ message }) => onRecords(1, message.value.length),
      });
    }
    return () => consumer.disconnect();
  };
}

function platformaticConsume(port) {
  return async (onRecords, started) => {
    const consumer = new platformatic.Consumer({
      groupId: `platformatic-${++groups}`,
      clientId: 'consume-bench',
      bootstrapBrokers: [`127.0.0.1:${port}`],
    });
    const stream = await consumer.consume({ topics: [TOPIC], mode: 'earliest', autocommit: true });
    await started();
    stream.on('data', (message) => onRecords(1, message.value.length));
    return async () => {
      await stream.close();
      await consumer.close();
    };
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-consume-bench-'));
let broker;
process.once('exit', () => {
  broker?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});
broker = await BrokerProcess.start(dataDir, ['--group-initial-rebalance-delay-ms', '0']);
await preloadTopic(broker.port, {
  topic: TOPIC,
  partitions: PARTITIONS,
  records: RECORDS,
  recordBytes: RECORD_BYTES,
  batchRecords: BATCH_RECORDS,
  clientId: 'consume-bench',
});

const cases = [
  ['runnel.each_batch', runnelConsume(broker.port, 'eachBatch'), ROUNDS],
  ['runnel.each_message', runnelConsume(broker.port, 'eachMessage'), ROUNDS],
  ['kafkajs.each_batch', kafkajsConsume(broker.port, 'eachBatch'), PEER_ROUNDS],
  ['kafkajs.each_message', kafkajsConsume(broker.port, 'eachMessage'), PEER_ROUNDS],
  ['platformatic.stream', platformaticConsume(broker.port), PEER_ROUNDS],
];
// A warm-up pass of runnel's consumer, so its first measured round is not the JIT's first run.
await measured(broker.httpPort, runnelConsume(broker.port, 'eachBatch'));

const results = {};
const clientCpu = {};
for (const [name, consume, rounds] of cases) {
  const list = [];
  try {
    for (let round = 0; round < rounds; round++) list.push(await measured(broker.httpPort, consume));
  } catch (err) {
    if (err?.code !== 'PLT_KFK_UNSUPPORTED_API') throw err;
    process.stderr.write(`${name}: not measured, the client refuses this broker: ${err.message}\n`);
    continue;
  }
  const mbOf = (r) => (r.records * RECORD_BYTES) / MB;
  results[name] = median(list.map((r) => r.records / r.seconds));
  report(`client.consume.${name}`, results[name], 'records/s');
  report(
    `client.consume.${name}.cpu_ms_per_mb.broker`,
    median(list.map((r) => r.brokerMs / mbOf(r))),
    'ms/MB',
  );
  clientCpu[name] = median(list.map((r) => r.clientMs / mbOf(r)));
  report(`client.consume.${name}.cpu_ms_per_mb.client`, clientCpu[name], 'ms/MB');
}
// Two ratios per pair: records/s, and client CPU per MB (theirs over ours), which a busy machine
// disturbs far less than wall time.
const ratio = (name, ours, theirs) => {
  if (results[ours] === undefined || results[theirs] === undefined) return;
  report(name, results[ours] / results[theirs], 'x');
  report(`${name}.cpu`, clientCpu[theirs] / clientCpu[ours], 'x');
};
ratio('client.consume.each_batch.ratio_kafkajs', 'runnel.each_batch', 'kafkajs.each_batch');
ratio('client.consume.each_message.ratio_kafkajs', 'runnel.each_message', 'kafkajs.each_message');
ratio('client.consume.each_batch.ratio_platformatic', 'runnel.each_batch', 'platformatic.stream');
ratio('client.consume.each_message.ratio_platformatic', 'runnel.each_message', 'platformatic.stream');
process.exit(0);
