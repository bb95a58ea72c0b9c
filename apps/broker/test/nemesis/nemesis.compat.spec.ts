// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
// RUNNEL_NEMESIS_SECONDS (default 60) sets how long the nemesis strikes, RUNNEL_NEMESIS_SEED its
// schedule (default: a new seed each run, printed), RUNNEL_NEMESIS_CLIENT and RUNNEL_NEMESIS_IN_FLIGHT the writers.
import { cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Admin, Runnel } from '@runnel/client';
import { eventually, TEST_SESSION_TIMEOUT_MS } from '../cluster-support/test-cluster.js';
import { checkAll } from './checker.js';
import { failureReport, summary } from './failure-report.js';
import { faultSchedule } from './fault-schedule.js';
import type { History, NemesisEvent, PartitionOutcome } from './history.js';
import { Nemesis } from './nemesis.js';
import { NemesisCluster, type PartitionView } from './nemesis-cluster.js';
import { readReplicaLog } from './replica-log.js';
import { Workload } from './workload.js';
import type { WriterClient } from './writers.js';

const SECONDS = Number(process.env.RUNNEL_NEMESIS_SECONDS ?? 60);
const SEED = Number(process.env.RUNNEL_NEMESIS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/**
 * The writers' client (RUNNEL_NEMESIS_CLIENT): kafkajs (default) or runnel (@runnel/client), and
 * its sends in flight per writer (RUNNEL_NEMESIS_IN_FLIGHT, default 1; kafkajs takes only 1).
 * The default run checks the brokers under a client nobody here wrote; @runnel/client's runs (five
 * in flight, its default) are in docs/cluster.md, "What the nemesis found".
 */
const CLIENT: WriterClient = process.env.RUNNEL_NEMESIS_CLIENT === 'runnel' ? 'runnel' : 'kafkajs';
const IN_FLIGHT = Number(process.env.RUNNEL_NEMESIS_IN_FLIGHT ?? 1);
const WRITERS = 6;
const REPLAY = `RUNNEL_NEMESIS_SEED=${SEED} RUNNEL_NEMESIS_SECONDS=${SECONDS} RUNNEL_NEMESIS_CLIENT=${CLIENT} RUNNEL_NEMESIS_IN_FLIGHT=${IN_FLIGHT}`;
const TOPIC = 'nemesis';
const PARTITIONS = 3;
const BROKERS = 3;
const BROKER_ARGS = [
  // The broker's min.insync.replicas (not yet a topic config here).
  '--min-insync-replicas',
  '2',
  '--default-replication-factor',
  '3',
  // A paused follower leaves the ISR within seconds, so acks=-1 goes on with the other two.
  '--replica-lag-time-max-ms',
  '3000',
  '--leader-imbalance-check-interval-seconds',
  '2',
  '--group-initial-rebalance-delay-ms',
  '0',
];
/** Healing: every replica back in the ISR and the high watermarks still for this long. */
const HEAL_TIMEOUT_MS = 60_000;
const SETTLED_FOR_MS = 1000;

describe(`a 3-broker cluster under the nemesis (seed ${SEED}, ${SECONDS} s)`, () => {
  let cluster: NemesisCluster;
  let admin: Admin | undefined;
  let workload: Workload | undefined;

  beforeAll(async () => {
    cluster = await NemesisCluster.start(BROKERS, BROKER_ARGS);
  }, 60_000);

  // Also after a failure midway: clients closed first, so that nothing keeps Jest running.
  afterAll(async () => {
    await workload?.stopWriters();
    await workload?.stop();
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
  }, 60_000);

  it(
    'loses, duplicates and reorders no acknowledged value; replicas agree; commits stay below the high watermark',
    async () => {
      process.stdout.write(
        `nemesis: seed ${SEED} for ${SECONDS} s, ${WRITERS} ${CLIENT} writers with ${IN_FLIGHT} send(s) in flight each (replay: ${REPLAY})\n`,
      );
      const runnel = new Runnel({ clientId: 'nemesis-admin', brokers: cluster.bootstrapServers });
      admin = runnel.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [
          {
            topic: TOPIC,
            numPartitions: PARTITIONS,
            replicationFactor: BROKERS,
          },
        ],
      });
      await eventually(async () => expect(fullIsr(await cluster.partitions(TOPIC))).toBe(true));

      const t0 = Date.now();
      const now = () => Date.now() - t0;
      workload = new Workload(cluster.bootstrapServers, {
        topic: TOPIC,
        partitions: PARTITIONS,
        writers: WRITERS,
        client: CLIENT,
        inFlightPerWriter: IN_FLIGHT,
        seed: SEED,
        groupId: 'nemesis-group',
        now,
      });
      const nemesisEvents: NemesisEvent[] = [];
      await workload.start();
      const steps = faultSchedule(SEED, SECONDS * 1000, {
        partitions: PARTITIONS,
        sessionTimeoutMs: TEST_SESSION_TIMEOUT_MS,
      });
      await new Nemesis(cluster, TOPIC, nemesisEvents, now).run(steps, SECONDS * 1000);
      nemesisEvents.push({ atMs: now(), action: 'nemesis over: every broker and etcd running' });
      await workload.stopWriters();
      nemesisEvents.push({ atMs: now(), action: 'writers stopped' });

      // Healed: every partition led, its ISR every replica, as each broker's Metadata says, and
      // the high watermarks (ListOffsets at the leaders) unchanged for a while.
      const settled = await settle(admin);
      // The consumer reads up to the high watermarks before its last commit (noted if it does not:
      // the checks of what it read and committed hold either way).
      const { reads } = workload;
      await eventually(async () => {
        for (const { partition, highWatermark } of settled.highWatermarks) {
          const reached = reads.some((r) => r.partition === partition && r.offset + 1n === highWatermark);
          expect(reached || highWatermark === 0n).toBe(true);
        }
      }, 30_000).catch((err: Error) =>
        nemesisEvents.push({
          atMs: now(),
          action: `the consumer did not reach the high watermarks: ${err.message}`,
        }),
      );
      await workload.stop();
      const committed = await admin.fetchOffsets({ groupId: 'nemesis-group', topics: [TOPIC] });
      const finalCommits = committed.flatMap((t) =>
        t.partitions
          .filter((p) => p.offset >= 0n)
          .map((p) => ({ partition: p.partition, offset: p.offset, atMs: now() })),
      );
      await admin.disconnect();
      admin = undefined;

      // Every broker stopped, each replica's log is read from its segment files.
      const processes = cluster.brokerIds.map((id) => cluster.process(id));
      await Promise.all(cluster.brokerIds.map((id) => cluster.cluster.stopBroker(id)));
      const outcomes: PartitionOutcome[] = [];
      for (const view of settled.partitions) {
        const replicas = new Map();
        for (const id of cluster.brokerIds) {
          replicas.set(id, await readReplicaLog(cluster.cluster.dataDir(id), TOPIC, view.partition));
        }
        const highWatermark = settled.highWatermarks.find(
          (h) => h.partition === view.partition,
        )!.highWatermark;
        outcomes.push({
          partition: view.partition,
          leader: view.leader,
          isr: view.isr,
          highWatermark,
          replicas,
        });
      }

      const history: History = {
        seed: SEED,
        sends: workload.sends,
        nemesis: nemesisEvents,
        reads: workload.reads,
        commits: [...workload.commits, ...finalCommits],
      };
      const violations = checkAll({ ...history, outcomes });
      process.stdout.write(
        [
          `nemesis: ${summary(history)}; high watermarks ${outcomes.map((o) => `p${o.partition} ${o.highWatermark}`).join(', ')}`,
          ...nemesisEvents.map((e) => `  ${e.atMs} ms: ${e.action}`),
          '',
        ].join('\n'),
      );
      if (violations.length > 0) {
        const file = join(tmpdir(), `runnel-nemesis-${SEED}-${t0}.json`);
        writeFileSync(file, JSON.stringify({ history, outcomes }, jsonReplacer, 1));
        // The brokers' data directories and logs stay for a post-mortem (the cluster's own directory goes at stop).
        const kept = `${file.slice(0, -'.json'.length)}-data`;
        cpSync(cluster.cluster.dir, kept, { recursive: true });
        for (const [i, id] of cluster.brokerIds.entries())
          writeFileSync(join(kept, `broker-${id}.out`), processes[i]!.output.join(''));
        throw new Error(
          `${failureReport(history, violations, `${REPLAY} npm run test:compat -- nemesis`)}\nwhole history and logs: ${file}, data directories and broker output: ${kept}`,
        );
      }
      // The run did what it is for: faults struck, values were acknowledged and read, offsets committed.
      expect(nemesisEvents.filter((e) => /killed|paused/.test(e.action)).length).toBeGreaterThan(0);
      expect(workload.sends.filter((s) => s.outcome === 'ok').length).toBeGreaterThan(100);
      expect(workload.reads.length).toBeGreaterThan(0);
      expect(history.commits.length).toBeGreaterThan(0);
    },
    SECONDS * 1000 + 100_000,
  );

  /** Waits until every partition is led with its whole ISR and the high watermarks stay put for SETTLED_FOR_MS. */
  async function settle(admin: Admin) {
    let previous = '';
    let since = Date.now();
    return eventually(async () => {
      const views = await Promise.all(cluster.brokerIds.map((id) => cluster.partitions(TOPIC, id)));
      for (const view of views) expect(fullIsr(view)).toBe(true);
      const { topics } = await admin.describeTopics({ topics: [TOPIC] });
      const highWatermarks = topics[0]!.partitions.map((p) => ({
        partition: p.partition,
        highWatermark: p.latestOffset,
      }));
      const key = JSON.stringify(highWatermarks, jsonReplacer);
      if (key !== previous) {
        previous = key;
        since = Date.now();
      }
      expect(Date.now() - since).toBeGreaterThanOrEqual(SETTLED_FOR_MS);
      return { partitions: views[0]!, highWatermarks };
    }, HEAL_TIMEOUT_MS);
  }
});

function fullIsr(partitions: readonly PartitionView[]): boolean {
  return (
    partitions.length === PARTITIONS && partitions.every((p) => p.leader > 0 && p.isr.length === BROKERS)
  );
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}
