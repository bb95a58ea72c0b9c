// Where the broker spends its CPU under kcat produce and under kcat consume: the built broker with
// V8's sampling profiler (support/cpu-profile.mjs, a sample every PROFILE_INTERVAL_US), driven as
// request-path.bench.mjs drives it, and the functions with the most self time printed per phase.
// Not a bench (no figures for `npm run bench`); run by hand after a build:
//   node apps/broker/bench/profile-request-path.mjs [top-n]
// Phase produce: one broker, TOPICS topics each given RECORDS lines of RECORD_BYTES by
// `kcat -P -X acks=1`. Phase fetch: a second broker on the same data directory, every topic read
// back from its start by `kcat -C`. Each profile covers only the kcat runs (started and stopped
// by signal, support/cpu-profile.mjs) and stays in RUNNEL_BENCH_PROFILE_DIR (produce.cpuprofile,
// fetch.cpuprofile; default a temp directory, printed) for Chrome DevTools or speedscope. Idle
// time is left out of the percentages. RUNNEL_BENCH_BROKER as in the benches.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchBroker } from './support/bench-broker.mjs';
import { printTop } from './support/cpu-profile-top.mjs';
import { kcatConsume, kcatMissing, kcatProduce, writeRecordLines } from './support/kcat.mjs';
import { createTopics } from './support/topics.mjs';

const RECORDS = 1_000_000;
const RECORD_BYTES = 100;
const TOPICS = 3;
const PROFILE_INTERVAL_US = 100;
const TOP = Number(process.argv[2] ?? 25);

const problem = kcatMissing();
if (problem) {
  process.stderr.write(`profile-request-path: ${problem}\n`);
  process.exit(1);
}

const profileDir =
  process.env.RUNNEL_BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'runnel-broker-profile-'));
mkdirSync(profileDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'runnel-profile-work-'));
try {
  const lines = join(work, 'records.txt');
  writeRecordLines(lines, RECORDS, RECORD_BYTES);
  const topics = Array.from({ length: TOPICS }, (_, i) => `profile-${i}`);
  const dataDir = join(work, 'broker');
  const options = (phase) => ({
    cpuProfile: join(profileDir, `${phase}.cpuprofile`),
    cpuProfileIntervalUs: PROFILE_INTERVAL_US,
  });

  const producing = await startBenchBroker(dataDir, options('produce'));
  await createTopics(producing.port, topics);
  await producing.profileStart();
  for (const topic of topics) await kcatProduce(producing.bootstrap, topic, lines);
  await producing.profileStop();
  await producing.stop();

  const fetching = await startBenchBroker(dataDir, options('fetch'));
  await fetching.profileStart();
  for (const topic of topics) await kcatConsume(fetching.bootstrap, topic, RECORDS);
  await fetching.profileStop();
  await fetching.stop();

  printTop(
    TOP,
    `produce (kcat -P, ${TOPICS} x ${RECORDS.toLocaleString('en')} records of ${RECORD_BYTES} bytes)`,
    join(profileDir, 'produce.cpuprofile'),
  );
  printTop(TOP, `fetch (kcat -C, the same records)`, join(profileDir, 'fetch.cpuprofile'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
