// acks=-1 produce through replication factor 3 against replication factor 1, on the same 3-broker
// cluster in the same run: both topics are led by broker 1, so the difference is the followers'
// fetches the leader waits for (and the two followers' work on the same 2 cores). Needs a build
// and Debian's etcd (`apt-get install etcd-server`); without etcd it says so on stderr and
// reports nothing. Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// - replication.acks_all.rf1 / .rf3: records per second of an acks=-1 kafkajs producer, IN_FLIGHT
//   sends of RECORDS_PER_SEND records of RECORD_BYTES outstanding, SENDS sends per measure; the
//   median of ROUNDS measures, rf1 and rf3 taken in turn;
// - replication.acks_all.rf3.ratio: rf3 over rf1 (Kafka's classic benchmark kept about half).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess, EtcdProcess, findEtcd } from '../dist/testing.js';

const ROUNDS = 5;
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
    const producer = kafka.producer();
    await producer.connect();
    // Warm-up: connections, metadata, JIT.
    await measure(producer, 'rf1');
    await measure(producer, 'rf3');
    const rf1 = [];
    const rf3 = [];
    for (let i = 0; i < ROUNDS; i++) {
      rf1.push(await measure(producer, 'rf1'));
      rf3.push(await measure(producer, 'rf3'));
    }
    await producer.disconnect();
    return { rf1: median(rf1), rf3: median(rf3) };
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
  const { rf1, rf3 } = await run();
  report('replication.acks_all.rf1', rf1, 'records/s');
  report('replication.acks_all.rf3', rf3, 'records/s');
  report('replication.acks_all.rf3.ratio', rf3 / rf1, 'x rf1');
}
