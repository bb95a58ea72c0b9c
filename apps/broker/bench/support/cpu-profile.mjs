// Loaded into the broker by bench-broker.mjs with `--import` (Node refuses `--cpu-prof` in
// NODE_OPTIONS, the way BrokerProcess's child is reached, and a whole-life profile would be mostly
// start-up): V8's sampling profiler over the inspector, sampled every
// RUNNEL_BENCH_CPU_PROFILE_INTERVAL_US (default 1000). The first SIGUSR2 starts it and prints
// `runnel-bench-profile started`; the next stops it, writes the .cpuprofile (Chrome DevTools,
// speedscope) to RUNNEL_BENCH_CPU_PROFILE and prints `runnel-bench-profile written`; and so on,
// each profile overwriting the last. It takes SIGUSR2 as loop-probe.mjs does: load one of them.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.RUNNEL_BENCH_CPU_PROFILE;
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', {
  interval: Number(process.env.RUNNEL_BENCH_CPU_PROFILE_INTERVAL_US ?? 1000),
});
let running = false;

process.on('SIGUSR2', () => {
  if (!running) {
    session.post('Profiler.start', () => process.stdout.write('runnel-bench-profile started\n'));
    running = true;
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (err) process.stderr.write(`cpu-profile: ${err.message}\n`);
    else writeFileSync(file, JSON.stringify(result.profile));
    process.stdout.write('runnel-bench-profile written\n');
  });
});
