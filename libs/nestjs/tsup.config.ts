import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // One file per format: tsup turns split ESM chunks into CommonJS with a transform that breaks
  // class fields after `super()`.
  splitting: false,
  // `import.meta.url` in the CommonJS build comes from `__filename` instead of being left empty.
  shims: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
