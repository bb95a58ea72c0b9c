import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

let cluster: TestBroker;
let b: string[];

beforeAll(async () => {
  cluster = await startTestBroker();
  b = ['-b', cluster.bootstrap];
  await runnel(['topics', 'create', 'bench', '--partitions', '3', ...b]);
}, 30_000);
afterAll(() => cluster.close());

describe('runnel perf', () => {
  test('produce --json: every record acknowledged, bytes = records x size, ordered percentiles', async () => {
    const result = await runnel([
      'perf',
      'produce',
      '--topic',
      'bench',
      '--num-records',
      '2000',
      '--record-size',
      '50',
      '--keys',
      '10',
      '--acks',
      '1',
      '--json',
      ...b,
    ]);
    expect(result.code).toBe(0);
    const s = JSON.parse(result.stdout);
    // Keys are key-0 .. key-9: five bytes each.
    expect(s).toMatchObject({ mode: 'produce', topic: 'bench', records: 2000, bytes: 2000 * 55 });
    expect(s.recordsPerSec).toBeGreaterThan(0);
    const l = s.latencyMs;
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    const { partitions } = JSON.parse((await runnel(['topics', 'describe', 'bench', '--json', ...b])).stdout);
    expect(partitions.reduce((sum: number, p: { latestOffset: number }) => sum + p.latestOffset, 0)).toBe(
      2000,
    );
  });

  test('consume reads what the topic holds and reports it; people get one summary line', async () => {
    const result = await runnel(['perf', 'consume', '--topic', 'bench', '--num-records', '1000000', ...b]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^2000 records consumed in \d+\.\d\d s, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\)\n$/,
    );
  });

  test('e2e: each record sent and received one at a time, with its latency', async () => {
    const result = await runnel(['perf', 'e2e', '--topic', 'bench', '--num-records', '50', '--json', ...b]);
    expect(result.code).toBe(0);
    const s = JSON.parse(result.stdout);
    expect(s).toMatchObject({ mode: 'e2e', records: 50, bytes: 5000 });
    expect(s.latencyMs.max).toBeGreaterThan(0);
  });

  test('progress goes to stderr: plain lines off a terminal, a bar redrawn with \\r on one', async () => {
    const plain = await runnel([
      'perf',
      'produce',
      '--topic',
      'bench',
      '--num-records',
      '3000',
      '--throughput',
      '6000',
      '--reporting-interval',
      '100',
      ...b,
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(
      /^(\d+ records, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\) in the last \d+\.\d s\n)+$/,
    );
    // --throughput 6000 makes 3000 records take at least half a second.
    const seconds = Number(/ in (\d+\.\d\d) s,/.exec(plain.stdout)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.49);
    const tty = await runnel(
      ['perf', 'produce', '--topic', 'bench', '--num-records', '2000', '--throughput', '4000', ...b],
      { stderrIsTTY: true },
    );
    expect(tty.stderr).toMatch(/^\r\[[#.]{30}\] +\d+% \d+\/2000 records/);
    expect(tty.stderr).toMatch(/\r\[#{30}\] 100% 2000\/2000 records, \d+ records\/sec \n$/);
  });

  test('bad usage: no topic, unknown mode, bad numbers; unknown topic exits 1', async () => {
    expect((await runnel(['perf', 'produce', ...b])).stderr).toMatch(/perf needs --topic/);
    expect((await runnel(['perf', 'fly', '--topic', 'bench', ...b])).code).toBe(2);
    expect((await runnel(['perf', 'produce', '--topic', 'bench', '--record-size', '0', ...b])).code).toBe(2);
    expect(
      (await runnel(['perf', 'produce', '--topic', 'bench', '--partitioner', 'random', ...b])).code,
    ).toBe(2);
    const unknown = await runnel(['perf', 'consume', '--topic', 'nope', ...b]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/topic 'nope'/);
  });
});
