// How long a cluster takes to be usable, against one broker started the same way in the same run,
// and how long a SIGKILLed broker stays in Metadata. Needs a build and Debian's etcd
// (`apt-get install etcd-server`); without etcd it says so on stderr and reports nothing.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}; each is the median of
// ROUNDS rounds, each round on fresh directories (removed at the end).
//
// - cluster_start.single_broker: one built runnel-broker (BrokerProcess) from spawn to its ready
//   line, no etcd (the baseline);
// - cluster_start.etcd: a single-member etcd (EtcdProcess) from spawn to serving clients;
// - cluster_start.three_brokers: etcd already up, three brokers spawned together until broker 1's
//   Metadata lists all three and a controller; `.ratio` is that over the single broker's start;
// - cluster_start.dead_broker_leaves: broker 3 SIGKILLed until broker 1's Metadata no longer lists
//   it, with brokerSessionTimeoutMs SESSION_TIMEOUT_MS (etcd's lease TTL, in whole seconds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess, EtcdProcess, findEtcd } from '../dist/testing.js';

const ROUNDS = 3;
const SESSION_TIMEOUT_MS = 2000;
/** How often Metadata is asked while waiting for the cluster to reach a state. */
const POLL_MS = 10;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Resolves once `admin.describeCluster()` satisfies `condition`. */
async function describeUntil(admin, condition) {
  for (;;) {
    const described = await admin.describeCluster().catch(() => undefined);
    if (described && condition(described)) return described;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function round() {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-cluster-bench-'));
  const started = [];
  let etcd;
  try {
    let t = performance.now();
    const single = await BrokerProcess.start(join(dir, 'single'));
    const singleMs = performance.now() - t;
    started.push(single);
    await single.stop();

    t = performance.now();
    etcd = await EtcdProcess.start(join(dir, 'etcd'));
    const etcdMs = performance.now() - t;

    const flags = (id) => [
      ...['--node-id', String(id), '--cluster', etcd.endpoint],
      ...['--broker-session-timeout-ms', String(SESSION_TIMEOUT_MS)],
    ];
    t = performance.now();
    const brokers = await Promise.all(
      [1, 2, 3].map((id) => BrokerProcess.start(join(dir, `broker-${id}`), flags(id))),
    );
    started.push(...brokers);
    const admin = new Kafka({ brokers: [brokers[0].bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await describeUntil(admin, (d) => d.brokers.length === 3 && d.controller !== null && d.controller >= 0);
    const clusterMs = performance.now() - t;

    t = performance.now();
    await brokers[2].stop('SIGKILL');
    await describeUntil(admin, (d) => d.brokers.length === 2);
    const leaveMs = performance.now() - t;
    await admin.disconnect();
    return { singleMs, etcdMs, clusterMs, leaveMs };
  } finally {
    await Promise.all(started.map((b) => b.stop()));
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!findEtcd()) {
  process.stderr.write(
    'cluster-start.bench: etcd is not installed (apt-get install etcd-server); no figures\n',
  );
} else {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round());
  const single = median(rounds.map((r) => r.singleMs));
  const cluster = median(rounds.map((r) => r.clusterMs));
  report('cluster_start.single_broker', single, 'ms');
  report('cluster_start.etcd', median(rounds.map((r) => r.etcdMs)), 'ms');
  report('cluster_start.three_brokers', cluster, 'ms');
  report('cluster_start.three_brokers.ratio', cluster / single, 'x single broker');
  report('cluster_start.dead_broker_leaves', median(rounds.map((r) => r.leaveMs)), 'ms');
}
