import { defineConfig } from 'tsup';

export default defineConfig({
  // The class-validator serde is a subpath entry, so the main entry never loads class-validator.
  entry: { index: 'src/index.ts', 'class-validator/index': 'src/class-validator/index.ts' },
  format: ['esm', 'cjs'],
  // Shared chunks keep one copy of shared classes, so `instanceof` works across both entries.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
