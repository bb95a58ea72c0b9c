import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { peers: 'src/peers/main.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // @runnel/client, ioredis and nats are loaded from node_modules, not copied into the bundle.
  skipNodeModulesBundle: true,
});
