// kcat (librdkafka's command-line client, Debian's /usr/bin/kcat) as the C producer and consumer
// of the request-path benches, with its own CPU time: it runs under `sh -c '...; times'`, and the
// shell's `times` prints its children's user and system time (getrusage of the waited-for child,
// 10 ms granularity) after kcat exits.
import { spawn } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';

export const KCAT = '/usr/bin/kcat';

/** Why kcat cannot run (one line for stderr), or undefined when it can. */
export function kcatMissing() {
  try {
    accessSync(KCAT, constants.X_OK);
    return undefined;
  } catch {
    return `${KCAT} is missing (Debian: apt-get install kcat)`;
  }
}

/** How long one kcat run may take before it is killed and the bench fails. */
const KCAT_TIMEOUT_MS = 120_000;

const seconds = (m, s) => Number(m) * 60 + Number(s);

/**
 * Runs kcat with `args` to its exit, its output to /dev/null. Resolves
 * with its wall time (s) and CPU time (ms, user + system); fails with its stderr unless it exits 0.
 */
export function runKcat(args) {
  const child = spawn(
    '/bin/sh',
    ['-c', `"${KCAT}" "$@"; status=$?; times >&2; exit $status`, 'sh', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const start = performance.now();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), KCAT_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wall = (performance.now() - start) / 1000;
      // `times` prints two lines: the shell's own times, then its children's (kcat's).
      const lines = [...stderr.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)];
      if (code !== 0 || lines.length < 2) {
        reject(new Error(`kcat ${args.join(' ')} exited (${code ?? signal}):\n${stderr}`));
        return;
      }
      const [, um, us, sm, ss] = lines.at(-1);
      resolve({ seconds: wall, cpuMs: (seconds(um, us) + seconds(sm, ss)) * 1000 });
    });
  });
}

/** Writes `records` lines of `recordBytes` printable bytes (a sequence number, then filler): kcat -P -l's input. */
export function writeRecordLines(file, records, recordBytes) {
  const line = Buffer.alloc(recordBytes + 1, 'x');
  line[recordBytes] = 0x0a;
  const chunk = 10_000;
  const out = Buffer.allocUnsafe(chunk * (recordBytes + 1));
  writeFileSync(file, '');
  for (let first = 0; first < records; first += chunk) {
    const count = Math.min(chunk, records - first);
    for (let i = 0; i < count; i++) {
      line.write(String(first + i).padStart(12, '0'), 0, 'latin1');
      line.copy(out, i * (recordBytes + 1));
    }
    writeFileSync(file, out.subarray(0, count * (recordBytes + 1)), { flag: 'a' });
  }
}

/** Produces the lines of `file` to `topic` with acks 1, librdkafka's defaults otherwise. */
export function kcatProduce(bootstrap, topic, file) {
  return runKcat(['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=1', '-l', file]);
}

/**
 * Reads `records` records of `topic` from its start (librdkafka's default fetch sizes). Its output
 * goes to /dev/null: through a pipe into this process it would be the limit (kcat is about twice
 * as fast into /dev/null). Without `-e`, `kcat -c N` exits 0 only once it has consumed N records,
 * so its exit status is the check that they all came.
 */
export function kcatConsume(bootstrap, topic, records) {
  return runKcat(['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-c', String(records), '-q']);
}
