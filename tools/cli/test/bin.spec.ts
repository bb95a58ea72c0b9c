import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, runBin, startTestBroker, type TestBroker } from './support/cli-harness.js';

// The built bin as a user runs it: `npx nx build @runnel/cli` first (npm run build does).
let cluster: TestBroker;

beforeAll(async () => {
  cluster = await startTestBroker();
}, 30_000);
afterAll(() => cluster.close());

describe('the runnel bin', () => {
  test('--help exits 0; no command and an unknown command exit 2', async () => {
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: runnel <command> \[options\]\n/);
    expect((await runBin([])).code).toBe(2);
    const unknown = await runBin(['frobnicate']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: "runnel: unknown command 'frobnicate'; `runnel --help` lists the commands\n",
    });
  });

  test('a broker error exits 1 with one line; RUNNEL_BOOTSTRAP names the cluster', async () => {
    const result = await runBin(['topics', 'describe', 'absent'], '', {
      RUNNEL_BOOTSTRAP: cluster.bootstrap,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      "runnel topics: topic 'absent': UNKNOWN_TOPIC_OR_PARTITION (3): This server does not host this topic-partition.",
    ]);
  });

  test('produce | consume: lines piped in come out the same, in order, on one partition', async () => {
    const b = ['-b', cluster.bootstrap];
    expect(await runBin(['topics', 'create', 'piped', '--partitions', '1', ...b])).toMatchObject({
      code: 0,
      stderr: '',
    });
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const produced = await runBin(['produce', 'piped', ...b], `${lines.join('\n')}\n`);
    expect(produced).toEqual({ code: 0, stdout: 'Wrote 1000 records to piped.\n', stderr: '' });
    const consumed = await runBin(['consume', 'piped', '--from-beginning', ...b]);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout).toBe(`${lines.join('\n')}\n`);
  });

  test('consume | produce through a shell pipe copies a topic, keys and all', async () => {
    const b = ['-b', cluster.bootstrap];
    // Each step's stderr is in the expectation, so a failure says which step and why.
    expect(await runBin(['topics', 'create', 'source', '--partitions', '1', ...b])).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await runBin(['topics', 'create', 'copy', '--partitions', '1', ...b])).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(
      await runBin(['produce', 'source', '--key-separator', ':', ...b], 'k1:one\nk2:two\n'),
    ).toMatchObject({ code: 0, stderr: '' });
    const bin = `'${process.execPath}' '${BIN}'`;
    const { stdout, stderr } = await promisify(execFile)('/bin/sh', [
      '-c',
      `${bin} consume source --from-beginning --format '%k:%v\\n' -b ${cluster.bootstrap} | ${bin} produce copy --key-separator : -b ${cluster.bootstrap}`,
    ]);
    expect({ stdout, stderr }).toEqual({ stdout: 'Wrote 2 records to copy.\n', stderr: '' });
    const copied = await runBin(['consume', 'copy', '--from-beginning', '--format', '%k=%v\\n', ...b]);
    expect(copied.stdout).toBe('k1=one\nk2=two\n');
  });

  test('Ctrl-C ends consume --follow cleanly: exit 0, the records printed so far', async () => {
    const b = ['-b', cluster.bootstrap];
    expect(await runBin(['topics', 'create', 'interrupted', '--partitions', '1', ...b])).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await runBin(['produce', 'interrupted', ...b], 'only\n')).toMatchObject({ code: 0, stderr: '' });
    const child = spawn(process.execPath, [
      BIN,
      'consume',
      'interrupted',
      '--from-beginning',
      '--follow',
      ...b,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out === 'only\n') child.kill('SIGINT');
    });
    const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (c) => resolve([c])));
    expect(code).toBe(0);
    expect(out).toBe('only\n');
  });
});
