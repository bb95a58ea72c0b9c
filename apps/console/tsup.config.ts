import { defineConfig } from 'tsup';

// NestJS dependency injection reads decorator metadata, which esbuild alone drops: with
// emitDecoratorMetadata on in the tsconfig, tsup compiles decorated files through @swc/core.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
