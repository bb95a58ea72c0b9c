import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from '../workspace.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function compatSuitesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.compat.spec.ts') && !file.split('/').includes('node_modules'))
    .map((file) => relative(ROOT, join(dir, file)));
}

describe('*.compat.spec.ts suites', () => {
  // `npm test` leaves them out (jest.preset.js); only a package's test:compat target runs them.
  it('belong to packages that run them with a test:compat target', () => {
    const unrun = workspacePackages(ROOT)
      .filter(({ manifest }) => manifest.scripts?.['test:compat'] === undefined)
      .flatMap(({ dir }) => compatSuitesIn(dir));
    expect(unrun).toEqual([]);
  });
});
