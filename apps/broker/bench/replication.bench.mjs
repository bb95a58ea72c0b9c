// acks=-1 produce through replication factor 3 against replication factor 1, on the same 3-broker
// cluster in the same run: both topics are led by broker 1, so the difference is the followers'
// fetches the leader waits for (and the two followers' work on the same 2 cores). Needs a build
// and Debian's etcd (`apt-get install etcd-server`); without etcd it says so on stderr and
// reports nothing. Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// - replication.acks_all.rf1 / .rf3: records per second of an acks=-1 kafkajs producer, IN_FLIGHT
//   sends of RECORDS_PER_SEND records of RECORD_BYTES outstanding, SENDS sends per measure; the
//   median of ROUNDS measures, rf1 and rf3 taken in turn;
// - replication.acks_all.rf3.ratio: rf3 over rf1 (Kafka's classic benchmark kept about half);
// - replication.acks_all.runnel_client.*: the same with @runnel/client's producer (idempotent,
//   acks=-1, lingerMs 5, batchSize RUNNEL_BATCH_BYTES), RUNNEL_IN_FLIGHT sends of
//   RUNNEL_RECORDS_PER_SEND records outstanding, RUNNEL_SENDS sends per measure: kafkajs is slow
//   enough (a few tens of thousands of records/s here) that it, not the broker, is the limit;
// - replication.acks_all.kcat.*: the same with kcat (librdkafka, C; -X acks=all) producing a file
//   of KCAT_RECORDS lines, from its start to its exit (its metadata round trip included, for both).
//
// Each client's rf1 and rf3 measures alternate (rf1, rf3, rf1, ...), so load from the other work
// on the machine falls on both alike; the figure is each one's median. Beside each, `.broker_cpu`:
// the CPU time of the three brokers together (read from /proc, all threads) per MB of record
// values, and `.rf3.broker_cpu.ratio`: what replicating to two followers costs in CPU, which on
// 2 shared cores decides much of the records/s ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess, EtcdProcess, findEtcd } from '../dist/testing.js';
import { cpuMsOf } from './support/bench-broker.mjs';
import { kcatMissing, runKcat, writeRecordLines } from './support/kcat.mjs';

const ROUNDS = 5;
const RUNNEL_SENDS = 300;
const RUNNEL_IN_FLIGHT = 32;
const RUNNEL_RECORDS_PER_SEND = 1000;
const RUNNEL_BATCH_BYTES = 262_144;
const KCAT_RECORDS = 300_000;
const SENDS = 300;
const IN_FLIGHT = 8;
const RECORDS_PER_SEND = 100;
const RECORD_BYTES = 100;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Records per second of SENDS acks=-1 sends to `topic`, IN_FLIGHT at a time. */
async function measure(producer, topic) {
  const messages = Array.from({ length: RECORDS_PER_SEND }, (_, i) => ({
    value: Buffer.alloc(RECORD_BYTES, i % 256),
  }));
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < SENDS) await producer.send({ topic, acks: -1, messages });
    }),
  );
  return (SENDS * RECORDS_PER_SEND) / ((performance.now() - t) / 1000);
}

/** Records per second of RUNNEL_SENDS sends of @runnel/client's producer to `topic`, RUNNEL_IN_FLIGHT at a time. */
async function measureRunnel(producer, topic) {
  const messages = Array.from({ length: RUNNEL_RECORDS_PER_SEND }, (_, i) => ({
    value: Buffer.alloc(RECORD_BYTES, i % 256),
  }));
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: RUNNEL_IN_FLIGHT }, async () => {
      while (next++ < RUNNEL_SENDS) await producer.send({ topic, messages });
    }),
  );
  return (RUNNEL_SENDS * RUNNEL_RECORDS_PER_SEND) / ((performance.now() - t) / 1000);
}

/** Records per second of kcat producing the KCAT_RECORDS lines of `file` to `topic` with acks=all. */
async function measureKcat(bootstrap, topic, file) {
  const { seconds } = await runKcat([
    '-P',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-p',
    '0',
    '-X',
    'acks=all',
    '-l',
    file,
  ]);
  return KCAT_RECORDS / seconds;
}

/**
 * ROUNDS measures of rf1 and of rf3 taken in turn, after one of each to warm up; the medians of
 * records/s and of the brokers' CPU ms per MB of values (`records` records a measure).
 */
async function alternate(brokers, records, measure) {
  await measure('rf1');
  await measure('rf3');
  const rounds = { rf1: [], rf3: [] };
  const brokerCpuMs = () => brokers.reduce((sum, b) => sum + cpuMsOf(b.child.pid), 0);
  for (let i = 0; i < ROUNDS; i++) {
    for (const topic of ['rf1', 'rf3']) {
      const cpuBefore = brokerCpuMs();
      const recordsPerSecond = await measure(topic);
      const cpuMsPerMb = (brokerCpuMs() - cpuBefore) / ((records * RECORD_BYTES) / 1e6);
      rounds[topic].push({ recordsPerSecond, cpuMsPerMb });
    }
  }
  const medians = (topic) => ({
    recordsPerSecond: median(rounds[topic].map((r) => r.recordsPerSecond)),
    cpuMsPerMb: median(rounds[topic].map((r) => r.cpuMsPerMb)),
  });
  return { rf1: medians('rf1'), rf3: medians('rf3') };
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-replication-bench-'));
  const brokers = [];
  let etcd;
  try {
    etcd = await EtcdProcess.start(join(dir, 'etcd'));
    brokers.push(
      ...(await Promise.all(
        [1, 2, 3].map((id) =>
          BrokerProcess.start(join(dir, `broker-${id}`), [
            '--node-id',
            String(id),
            '--cluster',
            etcd.endpoint,
          ]),
        ),
      )),
    );
    const kafka = new Kafka({ brokers: [brokers[0].bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    while ((await admin.describeCluster()).brokers.length < 3) await new Promise((r) => setTimeout(r, 50));
    await admin.createTopics({
      topics: [
        { topic: 'rf1', replicaAssignment: [{ partition: 0, replicas: [1] }] },
        { topic: 'rf3', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] },
      ],
    });
    await admin.disconnect();
    const results = {};
    const producer = kafka.producer();
    await producer.connect();
    results.kafkajs = await alternate(brokers, SENDS * RECORDS_PER_SEND, (topic) => measure(producer, topic));
    await producer.disconnect();

    const runnel = new Runnel({ clientId: 'replication-bench', brokers: [brokers[0].bootstrapServers] });
    const runnelProducer = runnel.producer({ acks: -1, batchSize: RUNNEL_BATCH_BYTES });
    await runnelProducer.connect();
    results.runnelClient = await alternate(brokers, RUNNEL_SENDS * RUNNEL_RECORDS_PER_SEND, (topic) =>
      measureRunnel(runnelProducer, topic),
    );
    await runnelProducer.disconnect();

    if (kcatMissing()) process.stderr.write(`replication.bench: ${kcatMissing()}; no kcat figures\n`);
    else {
      const file = join(dir, 'records.txt');
      writeRecordLines(file, KCAT_RECORDS, RECORD_BYTES);
      results.kcat = await alternate(brokers, KCAT_RECORDS, (topic) =>
        measureKcat(brokers[0].bootstrapServers, topic, file),
      );
    }
    return results;
  } finally {
    await Promise.all(brokers.map((b) => b.stop()));
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!findEtcd()) {
  process.stderr.write(
    'replication.bench: etcd is not installed (apt-get install etcd-server); no figures\n',
  );
} else {
  const results = await run();
  for (const [client, prefix] of [
    ['kafkajs', 'replication.acks_all'],
    ['runnelClient', 'replication.acks_all.runnel_client'],
    ['kcat', 'replication.acks_all.kcat'],
  ]) {
    if (!results[client]) continue;
    const { rf1, rf3 } = results[client];
    report(`${prefix}.rf1`, rf1.recordsPerSecond, 'records/s');
    report(`${prefix}.rf3`, rf3.recordsPerSecond, 'records/s');
    report(`${prefix}.rf3.ratio`, rf3.recordsPerSecond / rf1.recordsPerSecond, 'x rf1');
    report(`${prefix}.rf1.broker_cpu`, rf1.cpuMsPerMb, 'ms/MB');
    report(`${prefix}.rf3.broker_cpu`, rf3.cpuMsPerMb, 'ms/MB');
    report(`${prefix}.rf3.broker_cpu.ratio`, rf3.cpuMsPerMb / rf1.cpuMsPerMb, 'x rf1');
  }
}
