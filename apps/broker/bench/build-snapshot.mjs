// Builds the broker of one commit into a directory of its own, for ab.mjs and RUNNEL_BENCH_BROKER:
// a before/after comparison then runs builds of named commits, not whatever the shared working
// tree's dist/ holds at that moment. Not a bench; run by hand from the repository:
//   node apps/broker/bench/build-snapshot.mjs <commit> <dir>
// Exports the commit's broker and the libraries it runs on (`git archive`, the working tree is
// not touched), links every other package to the workspace's node_modules, and builds each with
// its own tsup config, dependencies first. The broker to pass on is then <dir>/apps/broker.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The packages the broker runs on, in build order, and where each is linked as @runnel/<name>. */
const PACKAGES = [
  ['protocol', 'libs/protocol'],
  ['log-store', 'libs/log-store'],
  ['coordinator', 'libs/coordinator'],
  ['broker', 'apps/broker'],
];
const ROOT_FILES = ['package.json', 'tsconfig.base.json'];

const [commit, dirArg] = process.argv.slice(2);
if (!commit || !dirArg) {
  process.stderr.write('usage: node apps/broker/bench/build-snapshot.mjs <commit> <dir>\n');
  process.exit(2);
}
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const hash = execFileSync('git', ['rev-parse', commit], { cwd: root, encoding: 'utf8' }).trim();
const dir = resolve(dirArg);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const archive = spawnSync('git', ['archive', hash, ...ROOT_FILES, ...PACKAGES.map(([, path]) => path)], {
  cwd: root,
  maxBuffer: 1024 * 1024 * 1024,
});
if (archive.status !== 0) throw new Error(`git archive ${hash} failed:\n${archive.stderr}`);
execFileSync('tar', ['-x', '-C', dir], { input: archive.stdout });

mkdirSync(join(dir, 'node_modules', '@runnel'), { recursive: true });
for (const entry of readdirSync(join(root, 'node_modules'))) {
  if (entry !== '@runnel') symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
}
for (const [name, path] of PACKAGES) {
  symlinkSync(join('..', '..', path), join(dir, 'node_modules', '@runnel', name));
  // A package's own node_modules (npm's nested copies where versions differ) is not in git.
  if (existsSync(join(root, path, 'node_modules'))) {
    symlinkSync(join(root, path, 'node_modules'), join(dir, path, 'node_modules'));
  }
}

const tsup = join(root, 'node_modules', '.bin', 'tsup');
for (const [name, path] of PACKAGES) {
  process.stderr.write(`building @runnel/${name} of ${hash.slice(0, 7)}\n`);
  const built = spawnSync(tsup, [], { cwd: join(dir, path), encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tsup in ${path} failed:\n${built.stdout}${built.stderr}`);
}
writeFileSync(join(dir, 'COMMIT'), `${hash}\n`);
console.log(join(dir, 'apps', 'broker'));
