import { defineConfig } from 'tsup';

// NestJS dependency injection reads decorator metadata, which esbuild alone drops: with
// emitDecoratorMetadata on in the tsconfig, tsup compiles decorated files through @swc/core.
export default defineConfig({
  // `testing` is the `@runnel/broker/testing` entry: BrokerProcess, which runs dist/main.js.
  entry: { index: 'src/index.ts', main: 'src/main.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  // The CommonJS build is for `require('@runnel/broker')` (startBroker for tests) and
  // `require('@runnel/broker/testing')`; the command line (bin/runnel-broker.js) loads the ESM
  // main, so main has no CommonJS twin.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.entryPoints = { index: 'src/index.ts', testing: 'src/testing/index.ts' };
  },
  // One file per entry and format: tsup turns split ESM chunks into CommonJS with a transform that
  // breaks class fields after `super()`.
  splitting: false,
  // `import.meta.url` in the CommonJS build comes from `__filename` instead of being left empty.
  shims: true,
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
