// Event throughput of a ServerRunnel app whose handlers wait on I/O, by `maxConcurrency`, beside
// NestJS's own Transport.KAFKA server (kafkajs 2.2.4) on the same broker and records.
// Needs a build first (`npx nx run-many -t build -p @runnel/nestjs @runnel/broker`): it embeds the
// built broker (startBroker from apps/broker/dist) on a fresh temp data dir, removed at the end.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// Workload: RECORDS records, keys k0..k(KEYS-1) round robin, pre-loaded into a topic of PARTITIONS
// partitions; each value is `{ key, seq }` with a per-key sequence. Every handler awaits a
// HANDLER_MS timer (a stand-in for a database call) and checks that its key's previous sequence
// number is the one before its own; a run fails unless every record was handled and no key was
// seen out of order. The clock runs from the first handler call to the last handler's end, so
// group joins are not counted. Each app is a fresh consumer group reading from the beginning.
// Variants: ServerRunnel with maxConcurrency 1 (one record at a time per partition, what
// Transport.KAFKA does), 4 and 16; Transport.KAFKA with partitionsConsumedConcurrently = PARTITIONS.
// Ratios are against Transport.KAFKA, measured in the same run.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { Controller, Module } = await import('@nestjs/common');
const { NestFactory } = await import('@nestjs/core');
const { Ctx, EventPattern, Payload, Transport } = await import('@nestjs/microservices');
const { logLevel } = await import('kafkajs');
const { startBroker } = await import('@runnel/broker');
const { Runnel } = await import('@runnel/client');
const { ServerRunnel } = await import('../dist/index.js');

const RECORDS = Number(process.env.NESTJS_BENCH_RECORDS ?? 4000);
const KEYS = 200;
const PARTITIONS = 4;
const HANDLER_MS = 2;
const TOPIC = 'keyed-bench';

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

/** What the handlers of one run saw. */
let run;

function newRun() {
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  return { handled: 0, violations: 0, lastSeq: new Map(), first: 0, last: 0, finished, done };
}

async function handle(value) {
  if (run.handled === 0 && run.first === 0) run.first = performance.now();
  const previous = run.lastSeq.get(value.key) ?? 0;
  if (previous !== value.seq - 1) run.violations++;
  run.lastSeq.set(value.key, value.seq);
  await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
  run.handled++;
  if (run.handled === RECORDS) {
    run.last = performance.now();
    run.done();
  }
}

// Decorators applied by hand: this is plain JavaScript.
class BenchController {
  handle(value) {
    return handle(value);
  }
}
Payload()(BenchController.prototype, 'handle', 0);
Ctx()(BenchController.prototype, 'handle', 1);
EventPattern(TOPIC)(
  BenchController.prototype,
  'handle',
  Object.getOwnPropertyDescriptor(BenchController.prototype, 'handle'),
);
Controller()(BenchController);
class BenchModule {}
Module({ controllers: [BenchController] })(BenchModule);

async function measure(name, microserviceOptions) {
  run = newRun();
  const app = await NestFactory.createMicroservice(BenchModule, { ...microserviceOptions, logger: false });
  await app.listen();
  await run.finished;
  await app.close();
  if (run.violations !== 0) throw new Error(`${name}: ${run.violations} records seen out of per-key order`);
  const perSecond = RECORDS / ((run.last - run.first) / 1000);
  report(`nestjs.events.${name}`, perSecond, 'records/s');
  return perSecond;
}

const dataDir = mkdtempSync(join(tmpdir(), 'runnel-nestjs-bench-'));
const broker = await startBroker({
  port: 0,
  httpPort: -1,
  dataDir,
  logger: false,
  groupInitialRebalanceDelayMs: 0,
});
try {
  const bootstrap = broker.bootstrapServers;
  const runnel = new Runnel({ clientId: 'bench-writer', brokers: [bootstrap] });
  const admin = runnel.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = runnel.producer();
  await producer.connect();
  const seqs = new Map();
  const messages = Array.from({ length: RECORDS }, (_, i) => {
    const key = `k${i % KEYS}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return { key, value: JSON.stringify({ key, seq }) };
  });
  await producer.send({ topic: TOPIC, messages });
  await producer.disconnect();

  const fast = { maxWaitMs: 50, heartbeatIntervalMs: 1000, sessionTimeoutMs: 10_000 };
  const runnelServer = (maxConcurrency) => ({
    strategy: new ServerRunnel({
      client: { clientId: `bench-${maxConcurrency}`, brokers: [bootstrap] },
      consumer: { groupId: `bench-runnel-${maxConcurrency}`, ...fast },
      subscribe: { fromBeginning: true },
      maxConcurrency,
    }),
  });
  const kafka = await measure('transport-kafka', {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'bench-kafka', brokers: [bootstrap], logLevel: logLevel.NOTHING },
      consumer: {
        groupId: 'bench-kafka',
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        maxWaitTimeInMs: 50,
      },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: PARTITIONS },
    },
  });
  for (const maxConcurrency of [1, 4, 16]) {
    const ours = await measure(`runnel.maxConcurrency-${maxConcurrency}`, runnelServer(maxConcurrency));
    report(`nestjs.events.runnel.maxConcurrency-${maxConcurrency}.vs-transport-kafka`, ours / kafka, 'x');
  }
} finally {
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });
}
