#!/usr/bin/env node
// Runs every benchmark script of the workspace (`libs/*/bench/*.bench.mjs`, `apps/*/bench/*.bench.mjs`),
// each in its own process so one cannot warm or pollute another's heap. Each script prints one
// JSON line per figure, `{"bench": name, "value": n, "unit": u}`; they are passed through as they
// come, so scripts can collect them, and a readable table follows at the end.
// `npm run bench -- <filter>` runs only the scripts whose path contains <filter>.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const filter = process.argv[2] ?? '';

function benchScripts() {
  const scripts = [];
  for (const group of ['libs', 'apps', 'tools']) {
    let packages = [];
    try {
      packages = readdirSync(join(root, group));
    } catch {
      continue;
    }
    for (const pkg of packages) {
      const dir = join(root, group, pkg, 'bench');
      let files = [];
      try {
        files = readdirSync(dir);
      } catch {
        continue;
      }
      for (const f of files.sort()) if (f.endsWith('.bench.mjs')) scripts.push(join(dir, f));
    }
  }
  return scripts.filter((s) => relative(root, s).includes(filter));
}

const figures = [];
let failed = 0;
for (const script of benchScripts()) {
  const result = spawnSync(process.execPath, ['--expose-gc', script], {
    cwd: dirname(script),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    process.stdout.write(`${line}\n`);
    figures.push(JSON.parse(line));
  }
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench ${relative(root, script)} exited with ${result.status ?? result.signal}\n`);
  }
}

const width = Math.max(5, ...figures.map((f) => f.bench.length));
console.log(`\n${'bench'.padEnd(width)}  ${'value'.padStart(14)}  unit`);
for (const f of figures) {
  const value = Math.abs(f.value) >= 100 ? Math.round(f.value).toLocaleString('en') : f.value.toFixed(3);
  console.log(`${f.bench.padEnd(width)}  ${value.padStart(14)}  ${f.unit}`);
}
process.exit(failed === 0 ? 0 : 1);
