#!/usr/bin/env node
// A/B of two (or more) builds of @runnel/client on the consume bench's workload, in one run, so a
// change is measured against what it replaces under the same load (the machine is shared; figures
// from separate runs differ by 2x). Not a `*.bench.mjs`: `npm run bench` does not run it.
//
//   node libs/client/bench/consume-ab.mjs <eachBatch|eachMessage> <rounds> <records> <label>=<dist/index.js> ...
//
// e.g. copy a build aside (`cp -r libs/client/dist libs/client/.ab/before`: it must sit where it can
// resolve @runnel/protocol, so under libs/client; to pin the protocol build too, copy
// libs/protocol/dist into it as `protocol/` and point its imports of "@runnel/protocol" there),
// rebuild with the change, then
//   node libs/client/bench/consume-ab.mjs eachBatch 6 2000000 before=libs/client/.ab/before/index.js after=libs/client/dist/index.js
// One broker (apps/broker/dist, or the package directory RUNNEL_BENCH_BROKER names) is started and
// loaded once, as consume.bench.mjs does: <records> records of 100 random bytes, no key, no
// headers, 4 partitions, batches of 1000 records. Each round runs every variant once, the order
// reversed every other round, each in a fresh process (its own heap and JIT) that reads the whole
// topic twice in assign mode with `partitionsConsumedConcurrently` 4, the first read a warm-up,
// the second measured. Printed per variant: records/s and the client's and the broker's CPU ms
// per MB of values, median (min-max) over the rounds, and per round the ratio of each variant's
// client CPU per MB to the first variant's; beside the client's CPU, the main thread's GC pauses
// per MB. RUNNEL_AB_CPU_PROFILE=<dir>: each variant writes a
// CPU profile of its measured read there.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brokerCpuMs, preloadTopic, runConsumer } from './support/consume-topic.mjs';

const RECORD_BYTES = 100;
const PARTITIONS = 4;
const BATCH_RECORDS = 1000;
const TOPIC = 'consume-ab';
const MB = 1e6;
const HERE = fileURLToPath(import.meta.url);

/** The child: one variant; reads the topic twice, prints the second read's figures as JSON. */
async function child(dist, style, port, httpPort, records, profileFile) {
  const { Runnel } = await import(pathToFileURL(resolve(dist)).href);
  const readAll = async (measure) => {
    const runnel = new Runnel({ clientId: 'consume-ab', brokers: [`127.0.0.1:${port}`] });
    const consumer = runnel.consumer();
    await consumer.connect();
    consumer.assign(
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition, offset: 0n })),
    );
    globalThis.gc?.();
    let seen = 0;
    let bytes = 0;
    let finished;
    const done = new Promise((r) => {
      finished = r;
    });
    const onRecords = (count, size) => {
      seen += count;
      bytes += size;
      if (seen >= records) finished();
    };
    const session = measure && profileFile ? await startProfile() : undefined;
    let gcMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const broker = await brokerCpuMs(httpPort);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await runConsumer(consumer, style, PARTITIONS, onRecords);
    await done;
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    gcObserver.disconnect();
    const brokerMs = (await brokerCpuMs(httpPort)) - broker;
    if (session) await stopProfile(session, profileFile);
    await consumer.disconnect();
    if (seen !== records || bytes !== records * RECORD_BYTES) {
      throw new Error(`read ${seen} records of ${bytes} bytes, expected ${records} of ${RECORD_BYTES} each`);
    }
    const mb = (records * RECORD_BYTES) / MB;
    return {
      recordsPerSecond: records / seconds,
      clientMsPerMb: (used.user + used.system) / 1000 / mb,
      brokerMsPerMb: brokerMs / mb,
      gcMsPerMb: gcMs / mb,
    };
  };
  await readAll(false);
  console.log(JSON.stringify(await readAll(true)));
  process.exit(0);
}

async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return session;
}

async function stopProfile(session, file) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

function runChild(args) {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', HERE, '--child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result;
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (line.startsWith('{')) result = JSON.parse(line);
    });
    proc.on('exit', (code) =>
      code === 0 && result ? resolvePromise(result) : reject(new Error(`child exited ${code}`)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (values, digits) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;

if (process.argv[2] === '--child') {
  const [, , , dist, style, port, httpPort, records, profileFile] = process.argv;
  await child(dist, style, Number(port), Number(httpPort), Number(records), profileFile || undefined);
} else {
  const [style, roundsArg, recordsArg, ...specs] = process.argv.slice(2);
  if (!['eachBatch', 'eachMessage'].includes(style) || specs.length === 0) {
    console.error(
      'usage: consume-ab.mjs <eachBatch|eachMessage> <rounds> <records> <label>=<dist/index.js> ...',
    );
    process.exit(2);
  }
  const rounds = Number(roundsArg);
  const records = Number(recordsArg);
  const variants = specs.map((spec) => {
    const at = spec.indexOf('=');
    return { label: spec.slice(0, at), dist: spec.slice(at + 1), results: [] };
  });
  const { BrokerProcess } = await import(
    process.env.RUNNEL_BENCH_BROKER
      ? pathToFileURL(join(resolve(process.env.RUNNEL_BENCH_BROKER), 'dist', 'testing.js')).href
      : '@runnel/broker/testing'
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-consume-ab-'));
  let broker;
  process.once('exit', () => {
    broker?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  broker = await BrokerProcess.start(dataDir, []);
  await preloadTopic(broker.port, {
    topic: TOPIC,
    partitions: PARTITIONS,
    records,
    recordBytes: RECORD_BYTES,
    batchRecords: BATCH_RECORDS,
    clientId: 'consume-ab',
  });
  const profileDir = process.env.RUNNEL_AB_CPU_PROFILE;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    const line = [];
    for (const variant of order) {
      const profile = profileDir ? join(resolve(profileDir), `${variant.label}-${round}.cpuprofile`) : '';
      const result = await runChild([
        variant.dist,
        style,
        String(broker.port),
        String(broker.httpPort),
        String(records),
        profile,
      ]);
      variant.results.push(result);
      line.push(
        `${variant.label} ${(result.recordsPerSecond / 1e6).toFixed(2)} M/s ${result.clientMsPerMb.toFixed(2)} ms/MB`,
      );
    }
    const base = variants[0].results[round].clientMsPerMb;
    const ratios = variants
      .slice(1)
      .map((v) => `${v.label}/${variants[0].label} ${(v.results[round].clientMsPerMb / base).toFixed(3)}`);
    console.log(`round ${round + 1}: ${line.join(', ')}; client CPU ${ratios.join(', ')}`);
  }
  for (const { label, results } of variants) {
    console.log(
      `${label}: ${fmt(
        results.map((r) => r.recordsPerSecond / 1e6),
        2,
      )} M records/s, client ${fmt(
        results.map((r) => r.clientMsPerMb),
        2,
      )} ms/MB (GC pauses ${fmt(
        results.map((r) => r.gcMsPerMb),
        2,
      )}), broker ${fmt(
        results.map((r) => r.brokerMsPerMb),
        2,
      )} ms/MB`,
    );
  }
  for (const v of variants.slice(1)) {
    const ratios = v.results.map((r, i) => r.clientMsPerMb / variants[0].results[i].clientMsPerMb);
    console.log(
      `${v.label} / ${variants[0].label}, client CPU per MB: ${fmt(ratios, 3)} (median of per-round ratios)`,
    );
  }
  process.exit(0);
}
