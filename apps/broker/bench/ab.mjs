// Two builds of the broker on one bench, alternated in one run, so a before/after comparison is
// not a comparison of two moments of a shared, noisy machine. Not a bench itself; run by hand:
//   node apps/broker/bench/ab.mjs <bench script> <broker dir A> <broker dir B> [pairs=2]
// e.g. `node apps/broker/bench/ab.mjs apps/broker/bench/request-path.bench.mjs /tmp/before/apps/broker apps/broker`.
// A broker dir is an @runnel/broker package directory with a built dist/ (a copy of an older
// build works, beside a node_modules that resolves its dependencies). The script runs A, B, A, B,
// ... (`pairs` of each), each run in its own process with RUNNEL_BENCH_BROKER set, and every
// other variable as given (RUNNEL_BENCH_QUICK and the like). Each run's figures are already
// medians over its own rounds; this prints, per figure, the median of A's runs, of B's, B/A, and
// `pairs B/A`: the median of each pair's own ratio (run i of B over run i of A, run back to back),
// which a load that changes over minutes disturbs less than the ratio of the two medians. With
// many short pairs (RUNNEL_BENCH_ROUNDS=1) that is the figure to read on a busy machine.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const [script, dirA, dirB, pairsArg] = process.argv.slice(2);
if (!script || !dirA || !dirB) {
  process.stderr.write('usage: node ab.mjs <bench script> <broker dir A> <broker dir B> [pairs=2]\n');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 2);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One run of the bench against `brokerDir`: its figures by name. */
function run(brokerDir) {
  const result = spawnSync(process.execPath, ['--expose-gc', resolve(script)], {
    env: { ...process.env, RUNNEL_BENCH_BROKER: resolve(brokerDir) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`${script} against ${brokerDir} exited with ${result.status ?? result.signal}`);
  const figures = new Map();
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { bench, value, unit } = JSON.parse(line);
    figures.set(bench, { value, unit });
  }
  return figures;
}

const runs = { a: [], b: [] };
for (let i = 0; i < pairs; i++) {
  runs.a.push(run(dirA));
  runs.b.push(run(dirB));
}
const names = [...runs.a[0].keys()];
const width = Math.max(5, ...names.map((n) => n.length));
const format = (v) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(3));
console.log(`A = ${resolve(dirA)}\nB = ${resolve(dirB)}\n${pairs} runs of each, alternated`);
console.log(
  `${'bench'.padEnd(width)}  ${'A'.padStart(12)}  ${'B'.padStart(12)}  ${'B/A'.padStart(7)}  ${'pairs B/A'.padStart(9)}  unit`,
);
for (const name of names) {
  const a = median(runs.a.map((figures) => figures.get(name)?.value).filter((v) => v !== undefined));
  const b = median(runs.b.map((figures) => figures.get(name)?.value).filter((v) => v !== undefined));
  const unit = runs.a[0].get(name).unit;
  const ratio = a === 0 || b === undefined ? '' : (b / a).toFixed(2);
  const pairRatios = runs.a.flatMap((figures, i) => {
    const [pa, pb] = [figures.get(name)?.value, runs.b[i].get(name)?.value];
    return pa && pb !== undefined ? [pb / pa] : [];
  });
  const pairs = pairRatios.length === 0 ? '' : median(pairRatios).toFixed(2);
  console.log(
    `${name.padEnd(width)}  ${format(a).padStart(12)}  ${b === undefined ? '—'.padStart(12) : format(b).padStart(12)}  ${ratio.padStart(7)}  ${pairs.padStart(9)}  ${unit}`,
  );
}
