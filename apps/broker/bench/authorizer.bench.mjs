// What authorization costs the broker: its CPU per MB of Produce and of Fetch with `--authorizer
// none` (every request allowed without a look at the ACLs) against `--authorizer acl` holding
// ACLS ACLs, in the same run. Needs a build first (`npm run bench -- authorizer` builds
// everything). Prints one JSON line per figure, {"bench": name, "value": n, "unit": u}; every
// figure is the median over ROUNDS rounds, the two settings taking turns on the built broker in a
// child process (support/bench-broker.mjs), each round on a fresh data directory, after a warm-up
// round of each that is not reported.
//
// With `acl` the data dir's acls.json holds, before the start, ACLS - 3 ACLs of other principals
// on other topics (literal and prefixed, allow and deny, so every check scans them all: the
// matcher keeps no index) and the three that let User:ANONYMOUS, the bench's unauthenticated
// client, Create, Write and Read the topics `bench-*` (prefixed). A round: @runnel/client's producer
// (acks 1, its defaults) sends RECORDS records of RECORD_BYTES random bytes, SENDS_IN_FLIGHT
// send() calls of MESSAGES_PER_SEND outstanding, to a topic of PARTITIONS partitions; then its
// consumer in assign mode reads them back with `eachBatch`. CPU is the broker process's, every
// thread (support/bench-broker.mjs's cpuMsOf, from outside). MB is 10^6 bytes of record values.
// `.acl_vs_none` is the acl figure over the none figure of the same run.
//
// Knobs: RUNNEL_BENCH_QUICK=1 runs 3 rounds of 100,000 records.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { median, report, startBenchBroker } from './support/bench-broker.mjs';

const QUICK = process.env.RUNNEL_BENCH_QUICK === '1';
const ROUNDS = QUICK ? 3 : 5;
const RECORDS = QUICK ? 100_000 : 300_000;
const WARMUP_RECORDS = 50_000;
const RECORD_BYTES = 100;
const PARTITIONS = 4;
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 4;
const ACLS = 1000;
const MB = 1e6;

// Kafka's codes (as @runnel/protocol's AclResourceType, AclPatternType, AclOperation, AclPermissionType).
const TOPIC = 2;
const LITERAL = 3;
const PREFIXED = 4;
const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DENY = 2;
const ALLOW = 3;

function aclsFile() {
  const acls = [];
  for (let i = 0; acls.length < ACLS - 3; i++) {
    acls.push({
      resourceType: TOPIC,
      resourceName: `other-${i}`,
      patternType: i % 2 === 0 ? LITERAL : PREFIXED,
      principal: `User:user-${i}`,
      host: '*',
      operation: i % 3 === 0 ? READ : WRITE,
      permissionType: i % 5 === 0 ? DENY : ALLOW,
    });
  }
  for (const operation of [CREATE, WRITE, READ]) {
    acls.push({
      resourceType: TOPIC,
      resourceName: 'bench-',
      patternType: PREFIXED,
      principal: 'User:ANONYMOUS',
      host: '*',
      operation,
      permissionType: ALLOW,
    });
  }
  return `${JSON.stringify({ version: 1, acls })}\n`;
}

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

/** Broker CPU ms per MB of one produce of `sends` and one read of it back, on a fresh broker. */
async function round(setting, records) {
  const dataDir = mkdtempSync(join(tmpdir(), `runnel-bench-authorizer-${setting}-`));
  const extraArgs = ['--num-partitions', String(PARTITIONS)];
  if (setting === 'acl') {
    writeFileSync(join(dataDir, 'acls.json'), aclsFile());
    extraArgs.push('--authorizer', 'acl');
  }
  const broker = await startBenchBroker(dataDir, { extraArgs });
  const runnel = new Runnel({ clientId: `authorizer-bench-${setting}`, brokers: [broker.bootstrap] });
  const topic = 'bench-orders';
  const sends = messagesOf(records);
  try {
    const admin = runnel.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }).catch(() => undefined);
    await admin.disconnect();
    const producer = runnel.producer({ acks: 1 });
    await producer.connect();
    const produceBefore = broker.cpuMs();
    let next = 0;
    const sender = async () => {
      while (next < sends.length) await producer.send({ topic, messages: sends[next++] });
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
    const produceMs = broker.cpuMs() - produceBefore;
    await producer.disconnect();

    const consumer = runnel.consumer();
    await consumer.connect();
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 0n })));
    const fetchBefore = broker.cpuMs();
    let seen = 0;
    await new Promise((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            if (seen >= records) resolve();
          },
        })
        .catch(reject);
    });
    const fetchMs = broker.cpuMs() - fetchBefore;
    await consumer.disconnect();
    if (seen !== records)
      throw new Error(`authorizer bench (${setting}): read ${seen} records of ${records}`);
    const mb = (records * RECORD_BYTES) / MB;
    return { produce: produceMs / mb, fetch: fetchMs / mb };
  } finally {
    await broker.broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await round('none', WARMUP_RECORDS);
await round('acl', WARMUP_RECORDS);
const results = { none: [], acl: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const setting of r % 2 === 0 ? ['none', 'acl'] : ['acl', 'none']) {
    results[setting].push(await round(setting, RECORDS));
  }
}
for (const path of ['produce', 'fetch']) {
  const none = median(results.none.map((r) => r[path]));
  const acl = median(results.acl.map((r) => r[path]));
  report(`authorizer.${path}.broker_cpu_ms_per_mb.none`, none, 'ms/MB');
  report(`authorizer.${path}.broker_cpu_ms_per_mb.acl_${ACLS}`, acl, 'ms/MB');
  report(`authorizer.${path}.broker_cpu_ms_per_mb.acl_vs_none`, acl / none, 'x');
}
