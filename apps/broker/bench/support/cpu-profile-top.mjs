// The functions with the most self time in a V8 .cpuprofile (what support/cpu-profile.mjs
// writes), idle left out of the percentages. Used by profile-request-path.mjs, and by hand:
//   node apps/broker/bench/support/cpu-profile-top.mjs <file.cpuprofile> [top-n=25]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A script's URL from its package on (`log-store/dist/index.js`), or Node's own name (`node:net`). */
function shortUrl(url) {
  const inWorkspace = /\/(?:libs|apps|node_modules)\/(.*)$/.exec(url);
  return inWorkspace ? inWorkspace[1] : basename(url);
}

/** Self time per function (functionName, file and line), in ms, from a .cpuprofile. */
function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const { callFrame } = byNode.get(profile.samples[i]);
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the one after it.
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return totals;
}

export function printTop(top, phase, file) {
  const totals = selfTimes(JSON.parse(readFileSync(file, 'utf8')));
  const busy = [...totals].filter(([name]) => name !== '(idle)');
  const busyMs = busy.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(
    `\n${phase}: ${busyMs.toFixed(0)} ms busy (idle ${(totals.get('(idle)') ?? 0).toFixed(0)} ms), ${file}`,
  );
  console.log(`${'self ms'.padStart(9)} ${'%'.padStart(6)}  function`);
  for (const [name, ms] of busy.sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(9)} ${((100 * ms) / busyMs).toFixed(1).padStart(6)}  ${name}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node cpu-profile-top.mjs <file.cpuprofile> [top-n=25]\n');
    process.exit(2);
  }
  printTop(Number(n ?? 25), basename(file), file);
}
