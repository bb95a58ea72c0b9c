import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

// kcat (Debian's, librdkafka) as the oracle for `--format`: the same format string must print
// the same lines, and what one tool writes the other reads.
const run = promisify(execFile);
const FORMAT = '%t %p %o %T %k|%s|%h %K %S\\n';

let cluster: TestBroker;
let b: string[];

beforeAll(async () => {
  cluster = await startTestBroker();
  b = ['-b', cluster.bootstrap];
  await runnel(['topics', 'create', 'shared', '--partitions', '2', ...b]);
}, 30_000);
afterAll(() => cluster.close());

async function kcatConsume(topic: string, format: string): Promise<string> {
  const { stdout } = await run(
    'kcat',
    ['-b', cluster.bootstrap, '-C', '-t', topic, '-e', '-q', '-f', format],
    { timeout: 20_000 },
  );
  return stdout;
}

const sorted = (text: string): string[] => text.split('\n').filter(Boolean).sort();

test('runnel consume --format prints what kcat -f prints for the same records', async () => {
  await runnel(['produce', 'shared', '--key-separator', ':', '--header', 'a=1', '--header', 'b=2', ...b], {
    stdin: 'k1:v1\nk2:v2\nno key\n:empty key\n',
  });
  const ours = await runnel(['consume', 'shared', '--from-beginning', '--format', FORMAT, ...b]);
  expect(ours.code).toBe(0);
  const theirs = await kcatConsume('shared', FORMAT.replace('\\n', '\n'));
  expect(sorted(ours.stdout)).toEqual(sorted(theirs));
  expect(sorted(ours.stdout)).toHaveLength(4);
});

test('records kcat produces (keys, headers, a partition) come out of runnel consume --json', async () => {
  await runnel(['topics', 'create', 'from-kcat', '--partitions', '3', ...b]);
  await run(
    'sh',
    ['-c', `printf 'ka:va\\nkb:vb\\n' | kcat -b ${cluster.bootstrap} -P -t from-kcat -p 2 -K: -H src=kcat`],
    { timeout: 20_000 },
  );
  const result = await runnel(['consume', 'from-kcat', '--from-beginning', '--json', ...b]);
  expect(result.code).toBe(0);
  expect(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
  ).toEqual([
    {
      topic: 'from-kcat',
      partition: 2,
      offset: 0,
      timestamp: expect.any(Number),
      key: 'ka',
      value: 'va',
      headers: [{ key: 'src', value: 'kcat' }],
    },
    {
      topic: 'from-kcat',
      partition: 2,
      offset: 1,
      timestamp: expect.any(Number),
      key: 'kb',
      value: 'vb',
      headers: [{ key: 'src', value: 'kcat' }],
    },
  ]);
});
