// The built broker for the request-path benches: a BrokerProcess (from this package's dist, or
// from the @runnel/broker package directory named by RUNNEL_BENCH_BROKER, so two builds can be
// measured by the same bench script), optionally with the event-loop probe loaded (`--import`) or
// a CPU profile written at exit (`--cpu-prof`), and the process figures these benches read from
// outside it: CPU time, peak RSS.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const LOOP_PROBE = new URL('./loop-probe.mjs', import.meta.url).href;
const CPU_PROFILE = new URL('./cpu-profile.mjs', import.meta.url).href;
const PROBE_PREFIX = 'runnel-bench-loop ';
const PROFILE_PREFIX = 'runnel-bench-profile ';

/** Which broker build runs: the directory of an @runnel/broker package holding a built dist/. */
export const BROKER_DIR = resolve(
  process.env.RUNNEL_BENCH_BROKER ?? new URL('../..', import.meta.url).pathname,
);

const { BrokerProcess } = await import(pathToFileURL(join(BROKER_DIR, 'dist', 'testing.js')).href);

export function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * CPU time (user + system, ms) a process has used so far, all its threads (the libuv pool's file
 * I/O included): the sum of each thread's time on a CPU from /proc/<pid>/task/<tid>/schedstat,
 * which the kernel keeps in nanoseconds. Read from outside, so measuring costs the process nothing.
 */
export function cpuMsOf(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read: its time is lost (Node's threads live as long as the process).
    }
  }
  return ns / 1e6;
}

/** Peak resident set size of a process so far (VmHWM), in bytes. */
export function peakRssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!kib) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}

/** Current resident set size of a process (VmRSS), in bytes. */
export function rssOf(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return kib ? Number(kib[1]) * 1024 : 0;
}

/**
 * Starts the broker on `dataDir` (flags in `extraArgs`). `loopProbe`: load ./loop-probe.mjs, whose
 * event-loop delay since the last call `loopDelay()` returns. `cpuProfile`: load ./cpu-profile.mjs,
 * which `profileStart()` and `profileStop()` drive, writing a V8 CPU profile (sampled every
 * `cpuProfileIntervalUs`) to that file at each stop. The two take the same signal: one or the
 * other. The preloads reach the child through
 * NODE_OPTIONS and the environment, which BrokerProcess's spawn inherits; both are set only for
 * that spawn.
 */
export async function startBenchBroker(
  dataDir,
  { extraArgs = [], loopProbe = false, cpuProfile, cpuProfileIntervalUs } = {},
) {
  if (loopProbe && cpuProfile)
    throw new Error('startBenchBroker: loopProbe and cpuProfile both use SIGUSR2; choose one');
  const env = {};
  const preloads = [];
  if (loopProbe) preloads.push(`--import=${LOOP_PROBE}`);
  if (cpuProfile) {
    preloads.push(`--import=${CPU_PROFILE}`);
    env.RUNNEL_BENCH_CPU_PROFILE = cpuProfile;
    if (cpuProfileIntervalUs) env.RUNNEL_BENCH_CPU_PROFILE_INTERVAL_US = String(cpuProfileIntervalUs);
  }
  if (preloads.length > 0)
    env.NODE_OPTIONS = [process.env.NODE_OPTIONS, ...preloads].filter(Boolean).join(' ');
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let broker;
  try {
    broker = await BrokerProcess.start(dataDir, extraArgs);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const pid = broker.child.pid;
  // BrokerProcess stops reading stdout after the ready line; a pipe nobody reads would block the
  // broker's writes once full (stdout to a pipe is synchronous), so it is read to the end here.
  const probeReports = [];
  const profileReports = [];
  let pending = '';
  broker.child.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    for (let at = pending.indexOf('\n'); at !== -1; at = pending.indexOf('\n')) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line.startsWith(PROBE_PREFIX)) probeReports.shift()?.(JSON.parse(line.slice(PROBE_PREFIX.length)));
      if (line.startsWith(PROFILE_PREFIX)) profileReports.shift()?.();
    }
  });
  broker.child.stdout.resume();
  const kill = () => broker.child.kill('SIGKILL');
  const signalProfiler = () => {
    if (!cpuProfile) throw new Error('profiling needs startBenchBroker(..., { cpuProfile })');
    const reported = new Promise((resolve) => profileReports.push(resolve));
    broker.child.kill('SIGUSR2');
    return reported;
  };
  process.once('exit', kill);
  return {
    broker,
    pid,
    bootstrap: broker.bootstrapServers,
    port: broker.port,
    cpuMs: () => cpuMsOf(pid),
    peakRss: () => peakRssOf(pid),
    rss: () => rssOf(pid),
    /** Requests of `api` ('Produce', 'Fetch') the broker has answered so far, from its /metrics. */
    async requestCount(api) {
      const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      let count = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('runnel_requests_total{') && line.includes(`api="${api}"`)) {
          count += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return count;
    },
    /** Event-loop delay (ms: p50, p99, max) and the longest GC pause since the last call; needs `loopProbe`. */
    loopDelay() {
      if (!loopProbe) throw new Error('loopDelay() needs startBenchBroker(..., { loopProbe: true })');
      const reported = new Promise((resolve) => probeReports.push(resolve));
      broker.child.kill('SIGUSR2');
      return reported;
    },
    /** Starts the CPU profiler (needs `cpuProfile`); resolves once it runs. */
    profileStart() {
      return signalProfiler();
    },
    /** Stops the CPU profiler; resolves once the profile is in the `cpuProfile` file. */
    profileStop() {
      return signalProfiler();
    },
    /** SIGKILL, for a broker whose data is thrown away; resolves once it has exited. */
    async kill() {
      process.removeListener('exit', kill);
      await broker.stop('SIGKILL');
    },
    async stop() {
      process.removeListener('exit', kill);
      const code = await broker.stop('SIGTERM');
      if (code !== 0) throw new Error(`broker exited with ${code}:\n${broker.output.join('')}`);
    },
  };
}
