#!/usr/bin/env node
// Proves the publishable packages the way a user meets them: builds them, packs each with
// `npm pack`, runs publint and @arethetypeswrong/cli on every tarball, installs all the tarballs at
// once into a fresh project, loads every public entry there with import() and require()
// (check-entries.mjs), finds no `import.meta` left in a CommonJS file, and runs every bin with
// --help; and every package.json declares `files`, `sideEffects` and the root's `engines`. Exits 1
// if anything fails. `node tools/pack-check/pack-check.mjs [--keep]`; --keep leaves the temporary
// project in place to look at.
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { publishablePackages } from './workspace.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const started = Date.now();
let failures = 0;

function report(ok, line, detail = '') {
  if (!ok) failures++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${line}\n${ok || !detail ? '' : `${detail.trimEnd()}\n`}`);
}

/** Runs a command with its output shown as it goes; resolves to its exit code. */
function stream(command, args, options) {
  return new Promise((resolve, reject) => {
    spawn(command, args, { stdio: 'inherit', ...options })
      .once('error', reject)
      .once('exit', (code, signal) => resolve(code ?? signal));
  });
}

/** Runs a command to its end whatever its exit code; resolves to `{ code, stdout, output }`. */
async function capture(command, args, options) {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 64 << 20, ...options });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout ?? '', output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const packages = publishablePackages(root);
const names = packages.map((p) => p.manifest.name);
const work = mkdtempSync(join(tmpdir(), 'runnel-pack-check-'));
try {
  const rootEngines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines?.node;
  for (const { manifest } of packages) {
    const missing = ['files', 'sideEffects'].filter((field) => !(field in manifest));
    if (manifest.engines?.node !== rootEngines) missing.push(`engines.node ${rootEngines} (the root's)`);
    report(
      missing.length === 0,
      `${manifest.name}: package.json declares files, sideEffects, engines`,
      `       missing: ${missing.join(', ')}`,
    );
  }

  const nxArgs = ['run-many', '-t', 'build', '-p', ...names, '--output-style=static'];
  const built = await stream(bin('nx'), nxArgs, { cwd: root });
  if (built !== 0) throw new Error(`build failed (${built})`);

  // One `npm pack` for all: each package's tarball, named as npm names it.
  const packed = await capture(
    'npm',
    ['pack', '--json', '--pack-destination', work, ...names.flatMap((n) => ['-w', n])],
    { cwd: root },
  );
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  const tarballs = new Map(
    JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))).map((t) => [t.name, join(work, t.filename)]),
  );

  await Promise.all(
    packages.map(async ({ manifest }) => {
      const tarball = readFileSync(tarballs.get(manifest.name));
      const { messages, pkg } = await publint({
        level: 'warning',
        pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      });
      const errors = messages.filter((m) => m.type === 'error');
      const lines = messages.map(
        (m) => `       publint ${m.type}: ${formatMessage(m, pkg, { color: false })}`,
      );
      report(
        errors.length === 0,
        `publint ${manifest.name}: ${errors.length} errors, ${messages.length - errors.length} warnings`,
        lines.join('\n'),
      );
      if (errors.length === 0 && lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }),
  );

  // node16 profile: TypeScript's legacy `moduleResolution: node` (node10) predates `exports` and
  // cannot see subpath entries at all; node16, nodenext and bundler resolution are checked.
  const attw = await Promise.all(
    names.map((n) =>
      capture(bin('attw'), [tarballs.get(n), '--profile', 'node16', '--format', 'ascii', '--no-color']),
    ),
  );
  for (const [i, n] of names.entries()) report(attw[i].code === 0, `attw ${n}`, attw[i].output);

  // A fresh project with every tarball and the peers they ask for (so optional entries such as
  // @runnel/protocol/class-validator can load), installed in one go: the tarballs depend on each
  // other by version, which only they can satisfy. Third-party packages come from npm's cache or
  // the registry.
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' })}\n`,
  );
  const peers = packages.flatMap(({ manifest }) =>
    Object.entries(manifest.peerDependencies ?? {})
      .filter(([peer]) => !names.includes(peer))
      .map(([peer, range]) => `${peer}@${range}`),
  );
  const installed = await capture(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs.values(),
      ...peers,
    ],
    { cwd: consumer },
  );
  if (installed.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.output}`);

  copyFileSync(join(here, 'check-entries.mjs'), join(consumer, 'check-entries.mjs'));
  const entries = await stream(process.execPath, ['check-entries.mjs', ...names], { cwd: consumer });
  report(entries === 0, 'every public entry loads with import() and require()');

  for (const name of names) {
    const installedDir = join(consumer, 'node_modules', name);
    const leaks = filesUnder(installedDir).filter(
      (f) => f.endsWith('.cjs') && readFileSync(f, 'utf8').includes('import.meta'),
    );
    report(
      leaks.length === 0,
      `${name}: no import.meta in CommonJS files`,
      leaks.map((f) => `       ${relative(installedDir, f)}`).join('\n'),
    );
    for (const command of Object.keys(packages.find((p) => p.manifest.name === name).manifest.bin ?? {})) {
      const help = await capture(join(consumer, 'node_modules/.bin', command), ['--help'], {
        cwd: consumer,
        timeout: 30_000,
      });
      report(
        // A usage text names its flags.
        help.code === 0 && help.output.includes('--'),
        `${command} --help (installed from ${name}'s tarball)`,
        help.output,
      );
    }
  }
} catch (err) {
  report(false, 'pack-check stopped', String(err?.message ?? err));
} finally {
  if (process.argv.includes('--keep')) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
process.stdout.write(
  `pack-check: ${failures === 0 ? 'passed' : `${failures} failed`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
process.exit(failures === 0 ? 0 : 1);
