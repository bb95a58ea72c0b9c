// Failover time of a 3-broker cluster (issue 13): an acks=-1 producer writes continuously to a
// partition of replication factor 3 (min.insync.replicas 2) while the partition's leader is
// SIGKILLed KILLS times, each time measured from the kill until the first acknowledged write whose
// offset the NEW leader assigned (at or past where its leader epoch starts in its log, from
// OffsetForLeaderEpoch: a retry the new leader recognised as a duplicate of the old leader's
// append does not count). The killed broker is then started again on its data, and the next kill
// waits until it is back in the ISR. Needs a build (`npx nx run-many -t build -p @runnel/protocol
// @runnel/client @runnel/broker`) and Debian's etcd (`apt-get install etcd-server`); without etcd
// it says so on stderr and reports nothing.
//
// A SIGKILLed broker does not revoke its lease: the others learn of its death only when etcd
// expires the lease, broker.session.timeout.ms after its last keepalive. That dominates, so the
// run is made twice, with the documented default session (9000 ms) and with a short one
// (2000 ms), and the time is cut in three, each seen through one etcd watch of the cluster's keys
// in this process:
//
// - lease: the kill until the killed broker's registration is deleted (lease expiry);
// - election: that delete until the partition's state names the new leader (the controller's
//   pass, a controller election first when the killed leader was also the controller);
// - clients: that state until the first write acknowledged by the new leader (the new leader and
//   the remaining follower learning the state by their watches, the follower's fetcher moving to
//   the new leader, the producer finding the new leader, and the acks=-1 wait for the follower's
//   fetch); .clients.leader_ready is the part until the new leader acknowledges a probe write
//   sent to it directly every PROBE_MS (the brokers' part), .clients.producer the rest (the
//   producer refreshes its metadata when a connection to the dead leader fails, so its reconnect
//   backoff paces it; negative when it came first).
//
// Figures, per session: failover.session_<ms>.p50 / .max (ms, over KILLS kills), the medians of
// .lease / .election / .clients, .rejoin (a restart until the broker is back in the ISR) and
// .session_timeout (the broker.session.timeout.ms used). `auto.leader.rebalance.enable` is off,
// so leadership moves only by the kills. The producer is @runnel/client's with its defaults
// (idempotent, retry.backoff.ms 100 doubling to retry.backoff.max.ms 1000, as Kafka's), lingerMs
// 0; FAILOVER_KILLS, FAILOVER_SESSIONS_MS (comma-separated), FAILOVER_RETRY_BACKOFF_MAX_MS and
// FAILOVER_RECONNECT_BACKOFF_MAX_MS (the client's reconnect.backoff.max.ms, default 1000) change
// the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConnection, Runnel } from '@runnel/client';
import { CompressionType, encodeRecordBatch, OffsetForLeaderEpoch, Produce } from '@runnel/protocol';
import { Etcd3 } from 'etcd3';
import { BrokerProcess, EtcdProcess, findEtcd } from '../dist/testing.js';

const KILLS = Number(process.env.FAILOVER_KILLS ?? 10);
/** broker.session.timeout.ms: the documented default, then a short session. */
const SESSIONS_MS = (process.env.FAILOVER_SESSIONS_MS ?? '9000,2000').split(',').map(Number);
/** The producer's retry.backoff.max.ms: its default (1000) unless FAILOVER_RETRY_BACKOFF_MAX_MS says otherwise. */
const RETRY_BACKOFF_MAX_MS = process.env.FAILOVER_RETRY_BACKOFF_MAX_MS
  ? Number(process.env.FAILOVER_RETRY_BACKOFF_MAX_MS)
  : undefined;
/** The client's reconnect.backoff.max.ms: its default (1000) unless FAILOVER_RECONNECT_BACKOFF_MAX_MS says otherwise. */
const RECONNECT_BACKOFF_MAX_MS = process.env.FAILOVER_RECONNECT_BACKOFF_MAX_MS
  ? Number(process.env.FAILOVER_RECONNECT_BACKOFF_MAX_MS)
  : undefined;
/** Concurrent send() loops of one record each: a producer that always has writes outstanding. */
const WRITERS = 4;
const TOPIC = 'failover';
const PROBE_MS = 5;
const PREFIX = '/runnel/runnel/';

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The etcd keys this bench follows, with the time (performance.now()) each change was seen. */
class ClusterWatch {
  state = undefined;
  /** Node ids whose registration was deleted, and when. */
  deleted = new Map();
  stateChanges = [];
  waiters = [];

  static async open(clientUrl) {
    const watch = new ClusterWatch();
    watch.client = new Etcd3({ hosts: clientUrl });
    watch.watcher = await watch.client.watch().prefix(PREFIX).create();
    watch.watcher.on('data', (response) => {
      const at = performance.now();
      for (const { type, kv } of response.events) {
        const key = kv.key.toString().slice(PREFIX.length);
        const broker = /^brokers\/ids\/(\d+)$/.exec(key);
        if (broker && type === 'Delete') watch.deleted.set(Number(broker[1]), at);
        if (key === `brokers/topics/${TOPIC}/partitions/0/state` && type === 'Put') {
          watch.state = JSON.parse(kv.value.toString());
          watch.stateChanges.push({ at, state: watch.state });
        }
      }
      for (const waiter of [...watch.waiters]) waiter();
    });
    const read = await watch.client.get(`${PREFIX}brokers/topics/${TOPIC}/partitions/0/state`).string();
    if (read && !watch.state) watch.state = JSON.parse(read);
    return watch;
  }

  async controllerId() {
    const value = await this.client.get(`${PREFIX}controller`).string();
    return value ? JSON.parse(value).brokerId : -1;
  }

  /** Resolves once `condition()` holds, checked after every watch event. */
  until(condition) {
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
      check();
    });
  }

  async close() {
    await this.watcher.cancel();
    this.client.close();
  }
}

function connectTo(port) {
  return BrokerConnection.connect(
    { host: '127.0.0.1', port },
    { clientId: 'failover-bench', connectTimeoutMs: 5000, requestTimeoutMs: 5000 },
  );
}

/**
 * When the broker at `port` first acknowledges an acks=-1 write of its own: a probe outside the
 * producer, sent every PROBE_MS from the moment the state names it leader, so the broker's part
 * (its watch, the follower's fetcher moving to it, the follower's fetch) is told apart from the
 * producer's (retry backoff, metadata refresh).
 */
async function leaderReady(port) {
  const records = await encodeRecordBatch({
    compression: CompressionType.None,
    records: [{ key: null, value: Buffer.from('probe'), timestamp: BigInt(Date.now()) }],
  });
  const connection = await connectTo(port);
  try {
    for (;;) {
      const response = await connection.request(Produce, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      });
      if (response.responses[0].partitionResponses[0].errorCode === 0) return performance.now();
      await new Promise((r) => setTimeout(r, PROBE_MS));
    }
  } finally {
    await connection.close();
  }
}

/** Where leader epoch `epoch + 1` (or the next one the log has) starts in the log of the broker at `port`. */
async function epochStart(port, epoch) {
  const connection = await connectTo(port);
  try {
    const response = await connection.request(OffsetForLeaderEpoch, {
      replicaId: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: epoch }] }],
    });
    const answer = response.topics[0].partitions[0];
    // Not the leader yet (its watch has not delivered the state): asked again.
    return answer.errorCode === 0 ? answer.endOffset : undefined;
  } finally {
    await connection.close();
  }
}

async function run(sessionMs) {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-failover-bench-'));
  const brokers = new Map();
  let etcd;
  let watch;
  let producer;
  let admin;
  let writing = false;
  const flags = (id) => [
    ...['--node-id', String(id), '--cluster', etcd.endpoint],
    ...['--broker-session-timeout-ms', String(sessionMs), '--min-insync-replicas', '2'],
    ...['--auto-leader-rebalance-enable', 'false'],
  ];
  const startBroker = async (id) =>
    brokers.set(id, await BrokerProcess.start(join(dir, `broker-${id}`), flags(id)));
  try {
    etcd = await EtcdProcess.start(join(dir, 'etcd'));
    await Promise.all([1, 2, 3].map(startBroker));
    watch = await ClusterWatch.open(etcd.clientUrl);
    const runnel = new Runnel({
      clientId: 'failover-bench',
      brokers: [...brokers.values()].map((b) => b.bootstrapServers),
      ...(RECONNECT_BACKOFF_MAX_MS === undefined ? {} : { reconnectBackoffMaxMs: RECONNECT_BACKOFF_MAX_MS }),
    });
    admin = runnel.admin();
    await admin.connect();
    while ((await admin.describeCluster()).brokers.length < 3) await new Promise((r) => setTimeout(r, 50));
    await admin.createTopics({
      topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
    });
    await watch.until(() => watch.state?.isr.length === 3);

    producer = runnel.producer({
      acks: -1,
      lingerMs: 0,
      ...(RETRY_BACKOFF_MAX_MS === undefined ? {} : { retryBackoffMaxMs: RETRY_BACKOFF_MAX_MS }),
    });
    await producer.connect();
    /** Every acknowledged write: when it was acknowledged and its offset. */
    const acks = [];
    writing = true;
    let failures = 0;
    const writers = Array.from({ length: WRITERS }, async () => {
      while (writing) {
        try {
          const [result] = await producer.send({ topic: TOPIC, messages: [{ value: 'x'.repeat(100) }] });
          acks.push({ at: performance.now(), offset: result.offset });
        } catch {
          // Retries exhausted (or the producer closed): counted, and a pause so a loop of failures never spins.
          failures++;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    });

    const kills = [];
    for (let i = 0; i < KILLS; i++) {
      const before = acks.length;
      await waitFor(() => acks.length >= before + 100);
      const { leader, leaderEpoch } = watch.state;
      const wasController = (await watch.controllerId()) === leader;
      const changesBefore = watch.stateChanges.length;
      const killedAt = performance.now();
      await brokers.get(leader).stop('SIGKILL');
      // The new leader's first acknowledged write: wait for the state naming it, then for writes past its epoch's start.
      const elected = await new Promise((resolve) => {
        const find = () => watch.stateChanges.slice(changesBefore).find((c) => c.state.leader !== leader);
        void watch.until(() => find() !== undefined).then(() => resolve(find()));
      });
      const newLeader = brokers.get(elected.state.leader);
      const readyAt = await leaderReady(newLeader.port);
      const epochFrom = await newLeaderEpochStart(
        newLeader.port,
        elected.state.leaderEpoch - 1,
        acks,
        killedAt,
      );
      const first = acks.find((a) => a.at > killedAt && a.offset >= epochFrom);
      const deletedAt = watch.deleted.get(leader);
      kills.push({
        total: first.at - killedAt,
        lease: deletedAt - killedAt,
        election: elected.at - deletedAt,
        clients: first.at - elected.at,
        leaderReady: readyAt - elected.at,
        producer: first.at - readyAt,
      });
      process.stderr.write(
        `failover.bench session ${sessionMs} ms, kill ${i + 1}: leader ${leader} (epoch ${leaderEpoch}${wasController ? ', also the controller' : ''}) -> ${elected.state.leader} (epoch ${elected.state.leaderEpoch}, from offset ${epochFrom}): ${kills.at(-1).total.toFixed(0)} ms = lease ${kills.at(-1).lease.toFixed(0)} + election ${kills.at(-1).election.toFixed(0)} + clients ${kills.at(-1).clients.toFixed(0)} (new leader acks a probe after ${kills.at(-1).leaderReady.toFixed(0)})\n`,
      );
      const restartedAt = performance.now();
      await startBroker(leader);
      await watch.until(() => watch.state.isr.includes(leader));
      kills.at(-1).rejoin = performance.now() - restartedAt;
    }
    writing = false;
    await Promise.all(writers);
    if (failures > 0) process.stderr.write(`failover.bench: ${failures} sends failed (retries exhausted)\n`);
    return kills;
  } finally {
    writing = false;
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await watch?.close();
    await Promise.all([...brokers.values()].map((b) => b.stop()));
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the new leader's epoch starts in its log, asked once a write past it was acknowledged
 * after the kill (before its first append, the epoch is not in its log yet).
 */
async function newLeaderEpochStart(port, previousEpoch, acks, killedAt) {
  for (;;) {
    const start = await epochStart(port, previousEpoch);
    if (start !== undefined && acks.some((a) => a.at > killedAt && a.offset >= start)) return start;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once `condition()` holds, checked every 10 ms (for what no watch announces: the producer's acks). */
async function waitFor(condition) {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

if (!findEtcd()) {
  process.stderr.write('failover.bench: etcd is not installed (apt-get install etcd-server); no figures\n');
} else {
  for (const sessionMs of SESSIONS_MS) {
    const kills = await run(sessionMs);
    const name = `failover.session_${sessionMs}ms`;
    const totals = kills.map((k) => k.total);
    report(`${name}.p50`, median(totals), 'ms');
    report(`${name}.max`, Math.max(...totals), 'ms');
    report(`${name}.lease`, median(kills.map((k) => k.lease)), 'ms');
    report(`${name}.election`, median(kills.map((k) => k.election)), 'ms');
    report(`${name}.clients`, median(kills.map((k) => k.clients)), 'ms');
    report(`${name}.clients.leader_ready`, median(kills.map((k) => k.leaderReady)), 'ms');
    report(`${name}.clients.producer`, median(kills.map((k) => k.producer)), 'ms');
    report(`${name}.rejoin`, median(kills.map((k) => k.rejoin)), 'ms');
    report(`${name}.session_timeout`, sessionMs, 'ms');
  }
}
