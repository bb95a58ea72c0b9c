// Copied into the consumer project that pack-check.mjs installs the tarballs into, and run there, so
// every bare specifier resolves the way it does for a user: `node check-entries.mjs <name>...`.
//
// For every public entry of every named package (its `exports` map, read from the installed
// package.json), in both formats:
// - the entry resolves to the file its `import` / `require` condition names, and loads;
// - it exports at least one name, the same names both ways, each declared by the entry's types;
// - every base class of an exported class that another entry of the package (or of a package of
//   ours it depends on) also exports is that very class, not a second copy, so `instanceof` holds
//   whichever entry a caller took the class from.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const FORMATS = ['import', 'require'];

/** Names a declaration file exports: `export { a, b as c, type D }` and `export declare class E`. */
function declaredNames(typesFile) {
  const text = readFileSync(typesFile, 'utf8');
  const names = new Set();
  for (const [, list] of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const item of list.split(',')) {
      const words = item
        .trim()
        .split(/\s+/)
        .filter((w) => w !== 'type');
      if (words.length > 0) names.add(words.at(-1));
    }
  }
  for (const [, name] of text.matchAll(
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:class|function|const|let|var|enum|interface|type|namespace)\s+([\w$]+)/gm,
  )) {
    names.add(name);
  }
  return names;
}

function entriesOf(name) {
  const pkgDir = join(here, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const entries = Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => !subpath.endsWith('.json'))
    .map(([subpath, target]) => ({
      name,
      spec: subpath === '.' ? name : `${name}/${subpath.slice(2)}`,
      pkgDir,
      target,
      modules: {},
    }));
  return { name, manifest, entries };
}

/** Checks one entry in one format; returns what is wrong, or loads it into `entry.modules`. */
async function load(entry, format) {
  const target = entry.target?.[format];
  if (typeof target?.types !== 'string' || typeof target?.default !== 'string') {
    return [`exports condition '${format}' is not { types, default }`];
  }
  const expected = join(entry.pkgDir, target.default);
  let resolved;
  let module;
  try {
    if (format === 'import') {
      resolved = fileURLToPath(import.meta.resolve(entry.spec));
      module = await import(entry.spec);
    } else {
      resolved = require.resolve(entry.spec);
      module = require(entry.spec);
    }
  } catch (err) {
    // A SyntaxError's stack starts with the file and line it is in; others start with the message.
    const where = err instanceof SyntaxError ? ` at ${String(err.stack).split('\n')[0]}` : '';
    return [`${format} fails: ${err?.name}: ${err?.message}${where}`];
  }
  const problems = [];
  if (resolved !== expected) problems.push(`${format} resolves to ${resolved}, not ${expected}`);
  const names = Object.keys(module);
  if (names.length === 0) problems.push(`${format} exports nothing`);
  const declared = declaredNames(join(entry.pkgDir, target.types));
  const undeclared = names.filter((n) => !declared.has(n));
  if (undeclared.length > 0)
    problems.push(`${format} exports ${undeclared.join(', ')}, not declared in ${target.types}`);
  entry.modules[format] = module;
  return problems;
}

/** Problems with base classes of `entry`'s classes that are second copies of a sibling's export. */
function copiedBaseClasses(entry, format, siblings) {
  const problems = [];
  for (const [exportName, value] of Object.entries(entry.modules[format])) {
    if (typeof value !== 'function' || value.prototype === undefined) continue;
    for (let base = Object.getPrototypeOf(value); base !== Function.prototype && base; ) {
      for (const sibling of siblings) {
        const twin = sibling.modules[format]?.[base.name];
        if (sibling !== entry && twin !== undefined && twin !== base) {
          problems.push(
            `${format}: ${exportName}'s base class ${base.name} is a copy of ${sibling.spec}'s, not it`,
          );
        }
      }
      base = Object.getPrototypeOf(base);
    }
  }
  return problems;
}

const packages = process.argv.slice(2).map(entriesOf);
const results = new Map();
for (const pkg of packages) {
  for (const entry of pkg.entries) {
    const problems = [];
    for (const format of FORMATS) problems.push(...(await load(entry, format)));
    const [esm, cjs] = FORMATS.map((f) =>
      Object.keys(entry.modules[f] ?? {})
        .sort()
        .join(','),
    );
    if (esm && cjs && esm !== cjs) problems.push(`import exports ${esm}; require exports ${cjs}`);
    results.set(entry, problems);
  }
}
for (const pkg of packages) {
  const ours = packages.filter((p) => p === pkg || p.name in (pkg.manifest.dependencies ?? {}));
  const siblings = ours.flatMap((p) => p.entries);
  for (const entry of pkg.entries) {
    for (const format of FORMATS) {
      if (entry.modules[format]) results.get(entry).push(...copiedBaseClasses(entry, format, siblings));
    }
  }
}

let failed = 0;
for (const [entry, problems] of results) {
  const count = Object.keys(entry.modules.import ?? entry.modules.require ?? {}).length;
  if (problems.length === 0) {
    process.stdout.write(`ok   ${entry.spec}: import() and require() load ${count} exports\n`);
  } else {
    failed++;
    process.stdout.write(`FAIL ${entry.spec}\n${problems.map((p) => `       ${p}\n`).join('')}`);
  }
}
// Loaded modules may hold handles open (NestJS, timers); the verdict is all that is wanted.
process.exit(failed === 0 ? 0 : 1);
