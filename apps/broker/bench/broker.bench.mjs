// Broker throughput driven by kafkajs 2.2.4, with the CPU time each side spends per MB, so client
// work can tell whether the broker is the bottleneck. Needs a build first (`npm run bench --
// broker` builds everything): it runs the built broker, dist/main.js, in a child process on a
// fresh data directory (removed at the end), which is killed at the end whatever happens.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}. MB is 10^6 bytes of
// record values (what the application hands over; framing and batch headers not counted).
//
// Produce: RECORDS records of RECORD_BYTES (random, no key) to a topic of PARTITIONS partitions,
// from one kafkajs producer with SENDS_IN_FLIGHT send() calls of MESSAGES_PER_SEND messages
// outstanding; with acks 1, then (`.acks_all`) with acks -1, which the broker answers after a
// group-commit fsync. The messages are built before the clock starts.
//
// Fetch: the round's acks-1 topic read back FETCH_PASSES times from offset 0 through kafkajs's own
// protocol stack (its consumer always joins a group, which the broker does not serve), one Fetch
// at a time, with FETCH_MAX_BYTES per request and PARTITION_FETCH_MAX_BYTES per partition; kafkajs
// decodes every record, as its consumer would.
//
// CPU: over each measured interval, the broker's process_cpu_seconds_total (its /metrics) and
// this process's process.cpuUsage(), which is kafkajs's work (plus a negligible loop around it).
// `cpu_ratio` is broker / kafkajs: below 1 the broker spends less CPU per MB than the client
// that drives it, so with a core each the client saturates first. A warm-up of WARMUP_RECORDS
// (produced and fetched, not measured) lets both processes' JITs settle first; then ROUNDS rounds
// each produce to fresh topics and fetch, and every figure is the median over the rounds.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { BrokerProcess } from '../dist/testing.js';

const RECORDS = 200_000;
const RECORD_BYTES = 100;
const PARTITIONS = 4;
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 4;
const WARMUP_RECORDS = 40_000;
const FETCH_PASSES = 4;
const ROUNDS = 3;
const FETCH_MAX_BYTES = 64 * 1024 * 1024;
const PARTITION_FETCH_MAX_BYTES = 16 * 1024 * 1024;
const MB = 1e6;

const require = createRequire(import.meta.url);

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

/** The broker's process_cpu_seconds_total, in ms. */
async function brokerCpuMs(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  if (!line) throw new Error('no process_cpu_seconds_total in the broker /metrics');
  return Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000;
}

/**
 * Runs `fn`, which resolves with the number of records it moved, and returns that number, its
 * wall time (s) and the CPU time (ms) of the broker and of this process meanwhile.
 */
async function measured(httpPort, fn) {
  globalThis.gc?.();
  const brokerBefore = await brokerCpuMs(httpPort);
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const records = await fn();
  const seconds = (performance.now() - start) / 1000;
  const client = process.cpuUsage(clientBefore);
  const brokerMs = (await brokerCpuMs(httpPort)) - brokerBefore;
  return { records, seconds, brokerMs, clientMs: (client.user + client.system) / 1000 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The figures of `prefix`, each the median over the rounds' measurements ({ seconds, brokerMs, clientMs, records }). */
function reportFigures(prefix, rounds) {
  const figure = (name, unit, of) => report(`broker.${prefix}${name}`, median(rounds.map(of)), unit);
  const mbOf = ({ records }) => (records * RECORD_BYTES) / MB;
  figure('.kafkajs', 'MB/s', (r) => mbOf(r) / r.seconds);
  figure('.kafkajs.records', 'records/s', (r) => r.records / r.seconds);
  figure('.cpu_ms_per_mb.broker', 'ms/MB', (r) => r.brokerMs / mbOf(r));
  figure('.cpu_ms_per_mb.kafkajs', 'ms/MB', (r) => r.clientMs / mbOf(r));
  figure('.cpu_ratio', 'x', (r) => r.brokerMs / r.clientMs);
}

/** `count` messages of RECORD_BYTES random bytes each, cut into send() calls of MESSAGES_PER_SEND. */
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

/** Sends every message list of `sends` to `topic`, SENDS_IN_FLIGHT send() calls at a time; returns the records sent. */
async function produce(producer, topic, sends, acks) {
  let next = 0;
  let records = 0;
  const sender = async () => {
    while (next < sends.length) {
      const messages = sends[next++];
      await producer.send({ topic, acks, messages });
      records += messages.length;
    }
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
  return records;
}

/** Fails unless `topic`'s partitions hold `records` records in all, as produce() should have left them. */
async function checkProduced(admin, topic, records) {
  const offsets = await admin.fetchTopicOffsets(topic);
  const total = offsets.reduce((sum, { high }) => sum + Number(high), 0);
  if (total !== records) throw new Error(`${topic} holds ${total} records, ${records} were produced`);
  return offsets.map(({ partition, high }) => ({ partition, end: BigInt(high) }));
}

/** kafkajs's internal Broker over a ConnectionPool, as kafkajs's cluster builds them: Fetch without a group. */
async function connectKafkajsBroker(port) {
  const Broker = require('kafkajs/src/broker/index.js');
  const ConnectionPool = require('kafkajs/src/network/connectionPool.js');
  const socketFactory = require('kafkajs/src/network/socketFactory.js');
  const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js');
  const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} });
  const connectionPool = new ConnectionPool({
    host: '127.0.0.1',
    port,
    logger,
    socketFactory: socketFactory(),
    clientId: 'runnel-broker-bench',
    connectionTimeout: 1000,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
  });
  const broker = new Broker({ connectionPool, logger });
  await broker.connect();
  return broker;
}

/** Reads every partition of `topic` from 0 to its `end` with kafkajs, one Fetch at a time; returns the records read. */
async function fetchAll(broker, topic, ends) {
  const offsets = new Map(ends.map(({ partition }) => [partition, 0n]));
  let records = 0;
  let bytes = 0;
  for (;;) {
    const partitions = ends
      .filter(({ partition, end }) => offsets.get(partition) < end)
      .map(({ partition }) => ({
        partition,
        fetchOffset: String(offsets.get(partition)),
        maxBytes: PARTITION_FETCH_MAX_BYTES,
      }));
    if (partitions.length === 0) break;
    const response = await broker.fetch({
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      isolationLevel: 0,
      topics: [{ topic, partitions }],
    });
    for (const { partition, errorCode, messages } of response.responses[0].partitions) {
      if (errorCode !== 0) throw new Error(`Fetch ${topic}-${partition}: error ${errorCode}`);
      if (messages.length === 0) throw new Error(`Fetch ${topic}-${partition} returned no records`);
      const from = offsets.get(partition);
      for (const { offset, value } of messages) {
        if (BigInt(offset) < from) continue;
        records++;
        bytes += value.length;
      }
      offsets.set(partition, BigInt(messages.at(-1).offset) + 1n);
    }
  }
  if (bytes !== records * RECORD_BYTES) throw new Error(`read ${bytes} bytes in ${records} records`);
  return records;
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-broker-bench-'));
let broker;
const killBroker = () => broker?.child.kill('SIGKILL');
process.once('exit', killBroker);
try {
  broker = await BrokerProcess.start(dataDir);
  const kafka = new Kafka({
    clientId: 'runnel-broker-bench',
    brokers: [`127.0.0.1:${broker.port}`],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const fetcher = await connectKafkajsBroker(broker.port);
  try {
    await admin.connect();
    await producer.connect();
    const topics = Array.from({ length: ROUNDS }, (_, round) => [`acks-1-${round}`, `acks-all-${round}`]);
    await admin.createTopics({
      topics: ['warmup', ...topics.flat()].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    });

    await produce(producer, 'warmup', messagesOf(WARMUP_RECORDS), 1);
    await fetchAll(fetcher, 'warmup', await checkProduced(admin, 'warmup', WARMUP_RECORDS));

    const sends = messagesOf(RECORDS);
    const rounds = { produce: [], 'produce.acks_all': [], fetch: [] };
    for (const [acksOne, acksAll] of topics) {
      rounds.produce.push(await measured(broker.httpPort, () => produce(producer, acksOne, sends, 1)));
      const ends = await checkProduced(admin, acksOne, RECORDS);
      rounds['produce.acks_all'].push(
        await measured(broker.httpPort, () => produce(producer, acksAll, sends, -1)),
      );
      await checkProduced(admin, acksAll, RECORDS);
      const fetched = await measured(broker.httpPort, async () => {
        let records = 0;
        for (let pass = 0; pass < FETCH_PASSES; pass++) records += await fetchAll(fetcher, acksOne, ends);
        return records;
      });
      if (fetched.records !== FETCH_PASSES * RECORDS) {
        throw new Error(`fetched ${fetched.records} records, expected ${FETCH_PASSES * RECORDS}`);
      }
      rounds.fetch.push(fetched);
    }
    for (const [prefix, measurements] of Object.entries(rounds)) reportFigures(prefix, measurements);
  } finally {
    await fetcher.disconnect();
    await producer.disconnect();
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
