#!/usr/bin/env node
// The `runnel` command. It is a committed file rather than the build output itself, so that
// `npm ci` can link it in a fresh clone before anything is built; it loads the build when run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(`runnel: ${fileURLToPath(main)} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
await import(main.href);
