import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BROKER = join(dirname(fileURLToPath(import.meta.url)), '../../../apps/broker');
const manifest = JSON.parse(readFileSync(join(BROKER, 'package.json'), 'utf8'));

/** Runs `file` as the shell runs a bin (through its `#!` line); resolves whatever its exit code. */
async function runBin(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(file, args, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('the runnel-broker bin', () => {
  const bin = join(BROKER, manifest.bin['runnel-broker']);

  it('is a committed file inside the published files, not build output', () => {
    expect(manifest.bin['runnel-broker']).toBe('./bin/runnel-broker.js');
    expect(manifest.files).toContain('bin');
  });

  it('loads the build and prints the usage for --help', async () => {
    const { code, stdout } = await runBin(bin, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--data-dir');
    expect(stdout).toContain('RUNNEL_DATA_DIR');
  });

  it('says in one line to run the build when there is none, and exits 1', async () => {
    // The bin beside no dist/: what `npm ci` leaves in a fresh clone before `npm run build`.
    const unbuilt = mkdtempSync(join(tmpdir(), 'runnel-unbuilt-broker-'));
    mkdirSync(join(unbuilt, 'bin'));
    writeFileSync(join(unbuilt, 'package.json'), JSON.stringify({ type: manifest.type }));
    copyFileSync(bin, join(unbuilt, 'bin/runnel-broker.js'));

    const { code, stdout, stderr } = await runBin(join(unbuilt, 'bin/runnel-broker.js'), ['--help']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `runnel-broker: ${join(unbuilt, 'dist/main.js')} is missing; run \`npm run build\` first`,
    ]);
  });
});
