import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

const SRC = path.resolve('src');
const SUBPATH = path.join(SRC, 'class-validator');

/**
 * The modules `src/index.ts` re-exports, by absolute path without extension. The class-validator
 * entry may only reach outside its folder into these, because it imports them from the built main
 * entry.
 */
function reExportedByMainEntry(): Set<string> {
  const index = readFileSync(path.join(SRC, 'index.ts'), 'utf8');
  const specifiers = [...index.matchAll(/from '(\.[^']+)\.js'/g)].map((m) => m[1] as string);
  return new Set(specifiers.map((s) => path.resolve(SRC, s)));
}

/**
 * One copy of every shared class across the two entries, in both formats, so that a
 * `PayloadValidationError` is `instanceof SerializationError` whichever entry the caller took the
 * class from. Code splitting would give that for ESM, but tsup turns split ESM chunks into CommonJS
 * with a transform that breaks class fields after `super()`. So nothing is split: the
 * class-validator entry imports what it shares with the main entry from the built main entry itself
 * (`../index.js` or `../index.cjs`, as the format being built), and bundles only its own folder.
 */
function classValidatorImportsMainEntry(): Plugin {
  return {
    name: 'class-validator-imports-main-entry',
    setup(build) {
      const mainEntry = build.initialOptions.format === 'cjs' ? '../index.cjs' : '../index.js';
      const reExported = reExportedByMainEntry();
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(SUBPATH + path.sep)) return undefined;
        const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '');
        if (target.startsWith(SUBPATH + path.sep)) return undefined;
        if (!reExported.has(target)) {
          return {
            errors: [
              {
                text: `${args.path} is imported by the class-validator entry but not re-exported by src/index.ts, so it would be bundled twice`,
              },
            ],
          };
        }
        return { path: mainEntry, external: true };
      });
    },
  };
}

export default defineConfig({
  // The class-validator serde is a subpath entry, so the main entry never loads class-validator.
  entry: { index: 'src/index.ts', 'class-validator/index': 'src/class-validator/index.ts' },
  format: ['esm', 'cjs'],
  splitting: false,
  // `import.meta.url` in the CommonJS build comes from `__filename`, so optional-package.ts finds the
  // optional native packages relative to this package in both formats.
  shims: true,
  esbuildPlugins: [classValidatorImportsMainEntry()],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
