#!/usr/bin/env node
// A/B of two (or more) builds of @runnel/client on the produce bench's workload, in one run, so a
// change is measured against what it replaces under the same load (the machine is shared; figures
// from separate runs differ by 2x). Not a `*.bench.mjs`: `npm run bench` does not run it.
//
//   node libs/client/bench/produce-ab.mjs <acks> <rounds> <records> <label>=<dist/index.js>[@<windowMs>] ...
//
// e.g. copy a build aside (`cp -r libs/client/dist /tmp/before`; it must sit where it can resolve
// @runnel/protocol, so under libs/client), rebuild with the change, then
//   node libs/client/bench/produce-ab.mjs 1 6 1000000 before=libs/client/.ab/before/index.js after=libs/client/dist/index.js
// Each round runs every variant once, the order reversed every other round, each in a fresh
// process (its own heap and JIT) against a broker (apps/broker/dist/main.js) started once per
// distinct `@<windowMs>` (its --group-commit-window-ms; none: the broker's default). A variant's
// process produces WARMUP records to one topic, then <records> to another: 100-byte random values,
// no key, 6 partitions (RUNNEL_AB_PARTITIONS), 32 send() calls of 1000 outstanding, the producer's defaults but for acks
// (and idempotence, on with acks -1), as produce.bench.mjs. Printed per variant: records/s and the
// client's CPU ms per MB of values (each round also says how much of it was the kernel's), the
// broker's CPU ms per MB and read system calls per MB (sockets and files alike), median (min-max)
// over the rounds; each round also the client's write and read calls per MB (all from /proc, so
// zeros off Linux). Environment:
// - RUNNEL_AB_CPU_PROFILE=<dir>: each variant writes a CPU profile of its measured phase there;
// - RUNNEL_AB_HEAP_SURVIVORS=<dir>: each variant writes a sampling heap profile of what its measured
//   phase allocated and a scavenge did not free (still live, or freed only by a full collection)
//   there, and prints those bytes per record beside its figures (`survived`);
// - RUNNEL_AB_PARTITIONS=<n>: the topics' partitions (default 6; 1 is request-path.bench.mjs's
//   workload, one batch per request);
// - RUNNEL_AB_PRODUCER_OPTIONS=<JSON>, e.g. '{"batchSize":262144}': added to every variant's options;
// - RUNNEL_AB_DISTINCT_SENDS=<n>: build only n distinct send() calls and cycle through them, so the
//   heap does not hold every record of the run (2,000,000 pre-built messages are 270 MB of old
//   objects that every full collection marks);
// - RUNNEL_BENCH_BROKER=<dir>: the @runnel/broker package directory to run (a snapshot made by
//   apps/broker/bench/build-snapshot.mjs), instead of this workspace's apps/broker.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RECORD_BYTES = 100;
const PARTITIONS = Number(process.env.RUNNEL_AB_PARTITIONS ?? 6);
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;
const WARMUP = 300_000;
const HERE = fileURLToPath(import.meta.url);
const MAIN = process.env.RUNNEL_BENCH_BROKER
  ? join(resolve(process.env.RUNNEL_BENCH_BROKER), 'dist', 'main.js')
  : join(dirname(HERE), '..', '..', '..', 'apps', 'broker', 'dist', 'main.js');

/** The child: one variant, one measured produce; prints {"recordsPerSecond", "cpuMsPerMb"}. */
/**
 * A process's CPU time (ms) and read/write system calls so far, from /proc (Linux; zeros elsewhere):
 * syscalls count every read and write, of sockets and files alike.
 */
function processCounters(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const count = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1] ?? 0);
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return {
      cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
      reads: count('syscr'),
      writes: count('syscw'),
    };
  } catch {
    return { cpuMs: 0, reads: 0, writes: 0 };
  }
}

async function child(dist, acks, port, records, profileFile, survivorsFile, brokerPid) {
  const { Runnel } = await import(pathToFileURL(resolve(dist)).href);
  const runnel = new Runnel({ clientId: 'produce-ab', brokers: [`127.0.0.1:${port}`] });
  const admin = runnel.admin();
  await admin.connect();
  const producer = runnel.producer({
    acks,
    idempotent: acks === -1,
    ...JSON.parse(process.env.RUNNEL_AB_PRODUCER_OPTIONS ?? '{}'),
  });
  await producer.connect();
  const distinct = Number(process.env.RUNNEL_AB_DISTINCT_SENDS ?? 0);
  const messagesOf = (count) => {
    if (distinct > 0 && count > distinct * MESSAGES_PER_SEND) {
      const built = messagesOf(distinct * MESSAGES_PER_SEND);
      return Array.from({ length: Math.ceil(count / MESSAGES_PER_SEND) }, (_, i) => built[i % built.length]);
    }
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
  };
  const produceAll = async (topic, sends) => {
    let next = 0;
    const worker = async () => {
      while (next < sends.length) await producer.send({ topic, messages: sends[next++] });
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
  };
  const tag = `${process.pid}-${Date.now()}`;
  await admin.createTopics({
    topics: [`warmup-${tag}`, `measured-${tag}`].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await produceAll(`warmup-${tag}`, messagesOf(WARMUP));
  const sends = messagesOf(records);
  globalThis.gc?.();
  let session;
  if (profileFile || survivorsFile) {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
  }
  if (profileFile) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (survivorsFile) {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
  }
  const brokerBefore = processCounters(brokerPid);
  const clientBefore = processCounters('self');
  const cpu = process.cpuUsage();
  const start = performance.now();
  await produceAll(`measured-${tag}`, sends);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const brokerAfter = processCounters(brokerPid);
  const clientAfter = processCounters('self');
  if (profileFile) writeFileSync(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile));
  let survived;
  if (survivorsFile) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(survivorsFile, JSON.stringify(profile));
    survived = profile.samples.reduce((sum, s) => sum + s.size, 0) / records;
  }
  await producer.disconnect();
  await admin.disconnect();
  const mb = (records * RECORD_BYTES) / 1e6;
  console.log(
    JSON.stringify({
      recordsPerSecond: records / seconds,
      cpuMsPerMb: (used.user + used.system) / 1000 / mb,
      systemCpuMsPerMb: used.system / 1000 / mb,
      survived,
      brokerCpuMsPerMb: (brokerAfter.cpuMs - brokerBefore.cpuMs) / mb,
      brokerReadsPerMb: (brokerAfter.reads - brokerBefore.reads) / mb,
      clientWritesPerMb: (clientAfter.writes - clientBefore.writes) / mb,
      clientReadsPerMb: (clientAfter.reads - clientBefore.reads) / mb,
    }),
  );
}

async function startBroker(windowMs, dataDirs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-ab-'));
  dataDirs.push(dataDir);
  const window = windowMs === undefined ? [] : ['--group-commit-window-ms', windowMs];
  const broker = spawn(
    process.execPath,
    [MAIN, '--port', '0', '--http-port', '-1', '--data-dir', dataDir, ...window],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise((resolvePort, reject) => {
    broker.once('exit', (code) => reject(new Error(`broker exited (${code}) before it was ready`)));
    createInterface({ input: broker.stdout }).on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line);
      if (match) resolvePort(match[1]);
    });
  });
  return { broker, port };
}

async function main([acksArg, roundsArg, recordsArg, ...variantArgs]) {
  const acks = Number(acksArg);
  if (
    ![0, 1, -1].includes(acks) ||
    !(Number(roundsArg) > 0) ||
    !(Number(recordsArg) > 0) ||
    variantArgs.length === 0
  ) {
    throw new Error(
      'usage: produce-ab.mjs <acks 0|1|-1> <rounds> <records> <label>=<dist/index.js>[@<windowMs>] ...',
    );
  }
  const variants = variantArgs.map((arg) => {
    const [label, rest = ''] = arg.split('=');
    const [dist, windowMs] = rest.split('@');
    if (!label || !dist) throw new Error(`variant '${arg}' is not <label>=<dist/index.js>[@<windowMs>]`);
    return { label, dist, windowMs };
  });
  const brokers = new Map();
  const dataDirs = [];
  const results = new Map(variants.map((v) => [v.label, []]));
  try {
    for (let round = 0; round < Number(roundsArg); round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        if (!brokers.has(v.windowMs)) brokers.set(v.windowMs, await startBroker(v.windowMs, dataDirs));
        const { port, broker } = brokers.get(v.windowMs);
        const profileDir = process.env.RUNNEL_AB_CPU_PROFILE;
        const profile = profileDir ? join(profileDir, `${v.label}-${round}.cpuprofile`) : '';
        const survivorsDir = process.env.RUNNEL_AB_HEAP_SURVIVORS;
        const survivors = survivorsDir ? join(survivorsDir, `${v.label}-${round}.survivors.heapprofile`) : '';
        const run = spawnSync(
          process.execPath,
          [
            '--expose-gc',
            HERE,
            '--child',
            v.dist,
            String(acks),
            port,
            recordsArg,
            profile,
            survivors,
            String(broker.pid),
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        if (run.status !== 0) throw new Error(`variant ${v.label} exited with ${run.status ?? run.signal}`);
        const figures = JSON.parse(run.stdout.trim().split('\n').at(-1));
        results.get(v.label).push(figures);
        console.error(
          `${v.label} round ${round}: ${Math.round(figures.recordsPerSecond)} records/s, ${figures.cpuMsPerMb.toFixed(2)} ms/MB (${figures.systemCpuMsPerMb.toFixed(2)} in the kernel), broker ${figures.brokerCpuMsPerMb.toFixed(2)} ms/MB; per MB: broker ${figures.brokerReadsPerMb.toFixed(1)} reads, client ${figures.clientWritesPerMb.toFixed(1)} writes and ${figures.clientReadsPerMb.toFixed(1)} reads${figures.survived === undefined ? '' : `, ${figures.survived.toFixed(1)} bytes per record survived scavenges`}`,
        );
      }
    }
  } finally {
    for (const { broker } of brokers.values()) broker.kill('SIGKILL');
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const range = (xs, digits, scale = 1) =>
    `${(median(xs) / scale).toFixed(digits)} (${(Math.min(...xs) / scale).toFixed(digits)}-${(Math.max(...xs) / scale).toFixed(digits)})`;
  for (const [label, rounds] of results) {
    console.log(
      `${label}: acks ${acks}, ${range(
        rounds.map((r) => r.recordsPerSecond),
        3,
        1e6,
      )} M records/s, client ${range(
        rounds.map((r) => r.cpuMsPerMb),
        2,
      )} ms/MB, broker ${range(
        rounds.map((r) => r.brokerCpuMsPerMb),
        2,
      )} ms/MB, broker reads ${range(
        rounds.map((r) => r.brokerReadsPerMb),
        1,
      )} per MB`,
    );
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child')
  await child(args[1], Number(args[2]), args[3], Number(args[4]), args[5], args[6], args[7]);
else await main(args);
