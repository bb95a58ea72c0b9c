// Where the broker spends its CPU under kcat (or @runnel/client) produce and consume: the built
// broker with V8's sampling profiler (support/cpu-profile.mjs, a sample every PROFILE_INTERVAL_US),
// driven as request-path.bench.mjs drives it, and the functions with the most self time printed
// per phase. Not a bench (no figures for `npm run bench`); run by hand after a build:
//   node apps/broker/bench/profile-request-path.mjs [top-n] [kcat|client]
// Phase produce: one broker, TOPICS topics each given RECORDS lines of RECORD_BYTES by
// `kcat -P -X acks=1` (with `client`: RECORDS values of RECORD_BYTES by @runnel/client's producer,
// acks 1, its defaults, 32 send()s of 1,000 in flight, as the bench). Phase fetch: a second broker
// on the same data directory, every topic read back from its start by `kcat -C` (with `client`:
// @runnel/client's consumer in assign mode, eachBatch). Each profile covers only the kcat runs (started and stopped
// by signal, support/cpu-profile.mjs) and stays in RUNNEL_BENCH_PROFILE_DIR (produce.cpuprofile,
// fetch.cpuprofile; default a temp directory, printed) for Chrome DevTools or speedscope. Idle
// time is left out of the percentages. RUNNEL_BENCH_BROKER as in the benches.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { startBenchBroker } from './support/bench-broker.mjs';
import { printTop } from './support/cpu-profile-top.mjs';
import { kcatConsume, kcatMissing, kcatProduce, writeRecordLines } from './support/kcat.mjs';
import { createTopics } from './support/topics.mjs';

const RECORDS = 1_000_000;
const RECORD_BYTES = 100;
const TOPICS = 3;
const PROFILE_INTERVAL_US = 100;
const TOP = Number(process.argv[2] ?? 25);
const DRIVER = process.argv[3] ?? 'kcat';
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;

if (DRIVER !== 'kcat' && DRIVER !== 'client') {
  process.stderr.write(`profile-request-path: driver must be kcat or client, not ${DRIVER}\n`);
  process.exit(2);
}
const problem = DRIVER === 'kcat' && kcatMissing();
if (problem) {
  process.stderr.write(`profile-request-path: ${problem}\n`);
  process.exit(1);
}

/** RECORDS random values by @runnel/client's producer, SENDS_IN_FLIGHT send()s in flight. */
async function clientProduce(bootstrap, topic) {
  const pool = Buffer.alloc(RECORDS * RECORD_BYTES, 'x');
  const producer = new Runnel({ clientId: 'profile-producer', brokers: [bootstrap] }).producer({ acks: 1 });
  await producer.connect();
  try {
    let next = 0;
    const sender = async () => {
      while (next < RECORDS) {
        const first = next;
        next = Math.min(RECORDS, next + MESSAGES_PER_SEND);
        const messages = [];
        for (let i = first; i < next; i++) {
          messages.push({ value: pool.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES) });
        }
        await producer.send({ topic, messages });
      }
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
  } finally {
    await producer.disconnect();
  }
}

/** Reads RECORDS records of `topic` from offset 0 with @runnel/client's consumer. */
async function clientConsume(bootstrap, topic) {
  const consumer = new Runnel({ clientId: 'profile-consumer', brokers: [bootstrap] }).consumer();
  await consumer.connect();
  try {
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    let seen = 0;
    await new Promise((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            if (seen >= RECORDS) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

const profileDir =
  process.env.RUNNEL_BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'runnel-broker-profile-'));
mkdirSync(profileDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'runnel-profile-work-'));
try {
  const lines = join(work, 'records.txt');
  if (DRIVER === 'kcat') writeRecordLines(lines, RECORDS, RECORD_BYTES);
  const topics = Array.from({ length: TOPICS }, (_, i) => `profile-${i}`);
  const dataDir = join(work, 'broker');
  const options = (phase) => ({
    cpuProfile: join(profileDir, `${phase}.cpuprofile`),
    cpuProfileIntervalUs: PROFILE_INTERVAL_US,
  });

  const producing = await startBenchBroker(dataDir, options('produce'));
  await createTopics(producing.port, topics);
  await producing.profileStart();
  for (const topic of topics) {
    if (DRIVER === 'kcat') await kcatProduce(producing.bootstrap, topic, lines);
    else await clientProduce(producing.bootstrap, topic);
  }
  await producing.profileStop();
  await producing.stop();

  const fetching = await startBenchBroker(dataDir, options('fetch'));
  await fetching.profileStart();
  for (const topic of topics) {
    if (DRIVER === 'kcat') await kcatConsume(fetching.bootstrap, topic, RECORDS);
    else await clientConsume(fetching.bootstrap, topic);
  }
  await fetching.profileStop();
  await fetching.stop();

  printTop(
    TOP,
    `produce (${DRIVER === 'kcat' ? 'kcat -P' : '@runnel/client'}, ${TOPICS} x ${RECORDS.toLocaleString('en')} records of ${RECORD_BYTES} bytes)`,
    join(profileDir, 'produce.cpuprofile'),
  );
  printTop(
    TOP,
    `fetch (${DRIVER === 'kcat' ? 'kcat -C' : '@runnel/client'}, the same records)`,
    join(profileDir, 'fetch.cpuprofile'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
