// Produce throughput of @runnel/client beside kafkajs 2.2.4 and @platformatic/kafka, through the
// built Runnel broker (apps/broker/dist/main.js) in a child process on a fresh data directory,
// with the broker's CPU per MB beside every figure so a reader can tell which side is the limit.
// Needs a build first (`npm run bench -- produce` builds everything). Prints one JSON line per
// figure: {"bench": name, "value": n, "unit": u}. MB is 10^6 bytes of record values.
//
// Workload: RECORD_BYTES-byte random values, no key, to a topic of PARTITIONS partitions; the
// application keeps SENDS_IN_FLIGHT send() calls of MESSAGES_PER_SEND messages outstanding (the
// messages are built before the clock starts). Every client runs with its defaults except acks
// (and idempotence where it is a choice): ours with lingerMs 5, batchSize 16384, the sticky
// partitioner. Each client connects and warms up on its own topic, then ROUNDS rounds run every
// client in turn (the order reversed every other round), each producing to a fresh topic; every
// figure is the median over the rounds, and each round's record count is checked against the
// topic's offsets. Alternating keeps the clients' rounds under the same load on a shared machine.
//
// Figures per client and acks: records/s, `.cpu_ms_per_mb.broker` and `.cpu_ms_per_mb.client`
// (the broker's process_cpu_seconds_total from its /metrics, and this process's cpuUsage(), per MB),
// then the ratios of ours to kafkajs and to platformatic: the median of the per-round ratios, each
// of two rounds run one after the other. `runnel` runs with its
// defaults (batchSize 16384); `runnel_batch_256k` with batchSize 262144, nearer the 100 KB
// batches kafkajs and platformatic make of each call here. @platformatic/kafka speaks only Metadata v9+ and
// InitProducerId v3+; against a broker serving less it is reported skipped (stderr), with no
// figure and no ratio. A peer client whose run fails (an error from its send()) is reported the
// same way; ours failing fails the bench.
//
// The encoder alone (`produce.encode.*`): RecordBatchBuilder, which the producer appends each
// record with, beside @runnel/protocol's encodeRecordBatch, in records/s, before the broker starts.
//
// The seed's claim (`produce.partitioner.*`): keyless records to 6 partitions, lingerMs 5,
// batchSize 16384, with the sticky and the round-robin partitioner, acks 1, in two shapes: the
// saturating workload above, and a paced one (PACED_RATE records/s as single-record send() calls,
// what an application handling requests does). Reported: records/s, mean records per stored batch
// (batches counted by fetching the topic back) and Produce requests per second (the broker's
// runnel_requests_total).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeRecordBatches, encodeRecordBatch, Fetch, RecordBatchBuilder } from '@runnel/protocol';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { BrokerConnection, Runnel } from '../dist/index.js';

// The broker under the bench: this workspace's build, or the @runnel/broker package directory named
// by RUNNEL_BENCH_BROKER (a snapshot of another commit, as apps/broker/bench/build-snapshot.mjs
// makes), so one client can be measured against two broker builds.
const { BrokerProcess } = await import(
  process.env.RUNNEL_BENCH_BROKER
    ? pathToFileURL(join(resolve(process.env.RUNNEL_BENCH_BROKER), 'dist', 'testing.js')).href
    : '@runnel/broker/testing'
);

// @platformatic/kafka declares Node 22; on Node 20 it lacks only Promise.withResolvers.
Promise.withResolvers ??= () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const { Producer: PlatformaticProducer } = await import('@platformatic/kafka');

const RECORD_BYTES = 100;
const PARTITIONS = 6;
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;
const ROUNDS = 5;
const RECORDS = { runnel: 1_000_000, runnel_batch_256k: 1_000_000, kafkajs: 150_000, platformatic: 300_000 };
const WARMUP_RECORDS = { runnel: 300_000, runnel_batch_256k: 300_000, kafkajs: 40_000, platformatic: 60_000 };
const PACED_RATE = 20_000;
const PACED_SECONDS = 2;
const ENCODE_MS = 1000;
const MB = 1e6;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The broker's CPU time (ms) and Produce requests answered so far, from its /metrics. */
async function brokerCounters(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  let cpuMs = Number.NaN;
  let produceRequests = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('process_cpu_seconds_total '))
      cpuMs = Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000;
    if (line.startsWith('runnel_requests_total{api="Produce"'))
      produceRequests += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  if (Number.isNaN(cpuMs)) throw new Error('no process_cpu_seconds_total in the broker /metrics');
  return { cpuMs, produceRequests };
}

/** Runs `fn` (resolving with the records it produced) and measures its wall time and both sides' CPU. */
async function measured(httpPort, fn) {
  globalThis.gc?.();
  const before = await brokerCounters(httpPort);
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const records = await fn();
  const seconds = (performance.now() - start) / 1000;
  const client = process.cpuUsage(clientBefore);
  const after = await brokerCounters(httpPort);
  return {
    records,
    seconds,
    brokerMs: after.cpuMs - before.cpuMs,
    clientMs: (client.user + client.system) / 1000,
    requests: after.produceRequests - before.produceRequests,
  };
}

/** Closes a peer client that failed: a client in that state may never finish closing, so a few seconds at most. */
function closeWithin(producer) {
  return Promise.race([
    producer.disconnect().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
}

/** `count` messages of RECORD_BYTES random bytes, cut into send() calls of MESSAGES_PER_SEND. */
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

/** Calls `send(messages)` for every message list, SENDS_IN_FLIGHT at a time; resolves with the records sent. */
async function produceAll(sends, send) {
  let next = 0;
  let records = 0;
  const worker = async () => {
    while (next < sends.length) {
      const messages = sends[next++];
      await send(messages);
      records += messages.length;
    }
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
  return records;
}

/** Fails unless `topic` holds `records` records. */
async function checkProduced(admin, topic, records) {
  const offsets = await admin.fetchTopicOffsets(topic);
  const total = offsets.reduce((sum, { high }) => sum + Number(high), 0);
  if (total !== records) throw new Error(`${topic} holds ${total} records, ${records} were produced`);
}

/** Batches stored in `topic`, counted by fetching every partition back from offset 0. */
async function storedBatchCount(connection, topic) {
  let batches = 0;
  for (let partition = 0; partition < PARTITIONS; partition++) {
    let offset = 0n;
    for (;;) {
      const response = await connection.request(Fetch, {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 64 << 20,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 64 << 20 }] }],
      });
      const answer = response.responses[0].partitions[0];
      if (answer.records === null || answer.records.length === 0) break;
      const { batches: read } = await decodeRecordBatches(answer.records);
      batches += read.length;
      const last = read.at(-1).header;
      offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
      if (offset >= answer.highWatermark) break;
    }
  }
  return batches;
}

function runnelClient(bootstrap, options) {
  const runnel = new Runnel({ clientId: 'produce-bench', brokers: [bootstrap] });
  const producer = runnel.producer(options);
  return {
    connect: () => producer.connect(),
    send: (topic, messages) => producer.send({ topic, messages }),
    disconnect: () => producer.disconnect(),
  };
}

/** The clients, each as { connect, send(topic, messages), disconnect } for one acks setting. */
function clients(bootstrap) {
  return {
    runnel: (acks) => runnelClient(bootstrap, { acks, idempotent: acks === -1 }),
    // The same with larger batches: kafkajs and platformatic put each call's records for a
    // partition in one batch whatever its size, so their batches here are 100 KB.
    runnel_batch_256k: (acks) =>
      runnelClient(bootstrap, { acks, idempotent: acks === -1, batchSize: 262144 }),
    kafkajs: (acks) => {
      const kafka = new Kafka({
        clientId: 'produce-bench',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: acks === -1,
        maxInFlightRequests: acks === -1 ? 1 : undefined,
      });
      return {
        connect: () => producer.connect(),
        send: (topic, messages) => producer.send({ topic, acks, messages }),
        disconnect: () => producer.disconnect(),
      };
    },
    platformatic: (acks) => {
      const producer = new PlatformaticProducer({
        clientId: 'produce-bench',
        bootstrapBrokers: [bootstrap],
        acks,
        idempotent: acks === -1,
      });
      return {
        connect: () => producer.metadata({ topics: [] }),
        send: (topic, messages) =>
          producer.send({ messages: messages.map(({ value }) => ({ topic, value })) }),
        disconnect: () => producer.close(),
      };
    },
  };
}

/**
 * The encoder under the producer, alone: RECORD_BYTES-byte values into 16 KiB batches, with the
 * producer's RecordBatchBuilder (record by record, synchronous) and with encodeRecordBatch (a
 * batch at a time, async), each for ENCODE_MS after a warm-up; records/s.
 */
async function encoderRates() {
  const values = Array.from({ length: 1024 }, () => randomBytes(RECORD_BYTES));
  const timestamp = Date.now();
  const buffer = Buffer.allocUnsafe(16384);
  const builderRound = () => {
    let builder = new RecordBatchBuilder(buffer);
    for (const value of values) {
      if (!builder.append(null, value, undefined, timestamp)) {
        builder.build();
        builder = new RecordBatchBuilder(buffer);
        builder.append(null, value, undefined, timestamp);
      }
    }
    builder.build();
  };
  const perBatch = Math.floor((16384 - 61) / (RECORD_BYTES + 8));
  const inputs = [];
  for (let i = 0; i < values.length; i += perBatch) {
    inputs.push(values.slice(i, i + perBatch).map((value) => ({ value, timestamp })));
  }
  const encodeRound = async () => {
    for (const records of inputs) await encodeRecordBatch({ records });
  };
  const rate = async (round) => {
    for (const until = performance.now() + ENCODE_MS / 3; performance.now() < until; ) await round();
    let rounds = 0;
    const start = performance.now();
    while (performance.now() - start < ENCODE_MS) {
      await round();
      rounds++;
    }
    return (rounds * values.length * 1000) / (performance.now() - start);
  };
  report('produce.encode.record_batch_builder', await rate(builderRound), 'records/s');
  report('produce.encode.encode_record_batch', await rate(encodeRound), 'records/s');
}

await encoderRates();

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-bench-'));
let broker;
const killBroker = () => broker?.child.kill('SIGKILL');
process.once('exit', killBroker);
try {
  broker = await BrokerProcess.start(dataDir);
  const bootstrap = `127.0.0.1:${broker.port}`;
  const kafka = new Kafka({
    clientId: 'produce-bench-admin',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let topicNumber = 0;
  const freshTopic = async (prefix) => {
    const topic = `${prefix}-${topicNumber++}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    return topic;
  };
  try {
    const make = clients(bootstrap);
    // One set of messages for every client (each sends a prefix of it): the clients only read them.
    const allSends = messagesOf(Math.max(...Object.values(RECORDS)));
    const sendsOf = (name) => allSends.slice(0, RECORDS[name] / MESSAGES_PER_SEND);
    for (const acks of [1, -1]) {
      const label = acks === 1 ? 'acks_1' : 'acks_all_idempotent';
      const running = new Map();
      for (const [name, client] of Object.entries(make)) {
        const producer = client(acks);
        try {
          await producer.connect();
          const warmupTopic = await freshTopic(`warmup-${name}-${label}`);
          await produceAll(sendsOf(name).slice(0, WARMUP_RECORDS[name] / MESSAGES_PER_SEND), (m) =>
            producer.send(warmupTopic, m),
          );
          running.set(name, { producer, rounds: [] });
        } catch (err) {
          if (name.startsWith('runnel')) throw err;
          // @platformatic/kafka speaks only Metadata v9+ (flexible versions); a broker serving
          // fewer, or a peer failing on this broker, gets no figure rather than a wrong one.
          const why =
            err.code === 'PLT_KFK_UNSUPPORTED_API'
              ? `skipped: ${err.message} (the broker serves versions up to ${err.maxVersion})`
              : `${label} failed, no figure: ${err.message}`;
          console.error(`produce bench: ${name} ${why}`);
          await closeWithin(producer);
        }
      }
      // Rounds alternate the clients (the order reversed every other round), so each client's
      // rounds sit beside every other's under the same load; a ratio is the median of the ratios
      // of rounds measured back to back.
      for (let round = 0; round < ROUNDS; round++) {
        const order = [...running.keys()];
        if (round % 2 === 1) order.reverse();
        for (const name of order) {
          const { producer, rounds } = running.get(name);
          try {
            const topic = await freshTopic(`${name}-${label}`);
            rounds.push(
              await measured(broker.httpPort, () =>
                produceAll(sendsOf(name), (m) => producer.send(topic, m)),
              ),
            );
            await checkProduced(admin, topic, RECORDS[name]);
          } catch (err) {
            // A peer client that fails on this broker gets no figure (and no ratio), said on stderr;
            // our own client failing fails the bench.
            if (name.startsWith('runnel')) throw err;
            console.error(`produce bench: ${name} ${label} failed, no figure: ${err.message}`);
            running.delete(name);
            await closeWithin(producer);
          }
        }
      }
      const rate = (r) => r.records / r.seconds;
      for (const [name, { producer, rounds }] of running) {
        await producer.disconnect();
        const prefix = `produce.${label}.${name}`;
        const mb = (r) => (r.records * RECORD_BYTES) / MB;
        report(prefix, median(rounds.map(rate)), 'records/s');
        report(`${prefix}.cpu_ms_per_mb.broker`, median(rounds.map((r) => r.brokerMs / mb(r))), 'ms/MB');
        report(`${prefix}.cpu_ms_per_mb.client`, median(rounds.map((r) => r.clientMs / mb(r))), 'ms/MB');
      }
      for (const ours of ['runnel', 'runnel_batch_256k']) {
        for (const peer of ['kafkajs', 'platformatic']) {
          const a = running.get(ours)?.rounds;
          const b = running.get(peer)?.rounds;
          if (a === undefined || b === undefined) continue;
          report(`produce.${label}.${ours}_vs_${peer}`, median(a.map((r, i) => rate(r) / rate(b[i]))), 'x');
        }
      }
    }

    // The seed's claim: sticky against round-robin for keyless records.
    const counter = await BrokerConnection.connect(
      { host: '127.0.0.1', port: broker.port },
      { clientId: 'produce-bench-counter', connectTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
    );
    try {
      for (const partitioner of ['sticky', 'round-robin']) {
        const runnel = new Runnel({ clientId: 'produce-bench', brokers: [bootstrap] });
        const producer = runnel.producer({ acks: 1, lingerMs: 5, batchSize: 16384, partitioner });
        await producer.connect();
        const warmupTopic = await freshTopic(`warmup-${partitioner}`);
        await produceAll(messagesOf(WARMUP_RECORDS.runnel), (m) =>
          producer.send({ topic: warmupTopic, messages: m }),
        );
        const shapes = {
          saturated: async (topic) =>
            produceAll(messagesOf(RECORDS.runnel / 2), (m) => producer.send({ topic, messages: m })),
          paced: async (topic) => {
            const total = PACED_RATE * PACED_SECONDS;
            const value = randomBytes(RECORD_BYTES);
            const sent = [];
            const start = performance.now();
            for (let i = 0; i < total; i++) {
              sent.push(producer.send({ topic, value }));
              const due = start + ((i + 1) * 1000) / PACED_RATE;
              const wait = due - performance.now();
              if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
            }
            await Promise.all(sent);
            return total;
          },
        };
        for (const [shape, run] of Object.entries(shapes)) {
          const rounds = [];
          for (let round = 0; round < ROUNDS; round++) {
            const topic = await freshTopic(`${partitioner}-${shape}`);
            const result = await measured(broker.httpPort, () => run(topic));
            await checkProduced(admin, topic, result.records);
            result.batches = await storedBatchCount(counter, topic);
            rounds.push(result);
          }
          const prefix = `produce.partitioner.${shape}.${partitioner}`;
          report(prefix, median(rounds.map((r) => r.records / r.seconds)), 'records/s');
          report(`${prefix}.records_per_batch`, median(rounds.map((r) => r.records / r.batches)), 'records');
          report(`${prefix}.requests_per_s`, median(rounds.map((r) => r.requests / r.seconds)), 'requests/s');
          report(
            `${prefix}.cpu_ms_per_mb.broker`,
            median(rounds.map((r) => r.brokerMs / ((r.records * RECORD_BYTES) / MB))),
            'ms/MB',
          );
        }
        await producer.disconnect();
      }
    } finally {
      await counter.close();
    }
  } finally {
    await admin.disconnect();
  }
} finally {
  if (broker && broker.child.exitCode === null && broker.child.signalCode === null) {
    const exited = once(broker.child, 'exit');
    killBroker();
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}
// A peer client that failed may still hold sockets or timers; every figure is out by now.
process.exit(0);
