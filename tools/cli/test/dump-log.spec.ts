import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

const SEGMENT = '00000000000000000000';
let cluster: TestBroker;
let partitionDir: string;
let copies: string;

beforeAll(async () => {
  cluster = await startTestBroker();
  const b = ['-b', cluster.bootstrap];
  await runnel(['topics', 'create', 'logged', '--partitions', '1', ...b]);
  await runnel(['produce', 'logged', '--key-separator', ':', '--header', 'h=v', ...b], {
    stdin: 'k0:first\nk1:second\n',
  });
  // Enough batches for the sparse indexes to hold entries (one per 4096 bytes of log by default).
  const perf = await runnel([
    'perf',
    'produce',
    '--topic',
    'logged',
    '--num-records',
    '3000',
    '--record-size',
    '200',
    '--linger-ms',
    '0',
    ...b,
  ]);
  expect(perf.code).toBe(0);
  partitionDir = join(cluster.dataDir, 'logged-0');
  copies = await mkdtemp(join(tmpdir(), 'runnel-dump-'));
}, 60_000);
afterAll(async () => {
  await cluster.close();
  await rm(copies, { recursive: true, force: true });
});

/** A copy of the live segment's files in a directory of its own, to damage. */
async function copySegment(name: string): Promise<string> {
  const dir = join(copies, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const ext of ['log', 'index', 'timeindex'])
    await copyFile(join(partitionDir, `${SEGMENT}.${ext}`), join(dir, `${SEGMENT}.${ext}`));
  return dir;
}

describe('runnel dump-log', () => {
  test('.log of a live segment: every batch, CRCs valid, with --records the records', async () => {
    const file = join(partitionDir, `${SEGMENT}.log`);
    const result = await runnel(['dump-log', file, '--records']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`Dumping ${file}`);
    expect(lines[1]).toBe('Log starting offset: 0');
    expect(lines[2]).toMatch(
      /^baseOffset: 0 lastOffset: 1 count: 2 .* position: 0 CreateTime: \d+ size: \d+ magic: 2 compresscodec: none crc: \d+ isvalid: true$/,
    );
    expect(lines[3]).toMatch(
      /^\| offset: 0 CreateTime: \d+ keySize: 2 valueSize: 5 headerKeys: \[h\] key: k0 payload: first$/,
    );
    expect(lines[4]).toMatch(/^\| offset: 1 .* key: k1 payload: second$/);
    const json = JSON.parse((await runnel(['dump-log', file, '--json'])).stdout);
    const records = json.batches.reduce((sum: number, batch: { count: number }) => sum + batch.count, 0);
    expect(records).toBe(3002);
    expect(json.batches.every((batch: { isValid: boolean }) => batch.isValid)).toBe(true);
    expect(json.invalidTail).toBeNull();
    expect(json.validBytes).toBe((await readFile(file)).length);
  });

  test('a live segment dumped again and again while a producer appends: never a problem', async () => {
    const file = join(partitionDir, `${SEGMENT}.log`);
    let producing = true;
    const perf = runnel([
      'perf',
      'produce',
      '--topic',
      'logged',
      '--num-records',
      '20000',
      '--record-size',
      '300',
      '--acks',
      '1',
      '-b',
      cluster.bootstrap,
    ]).finally(() => {
      producing = false;
    });
    const seen: number[] = [];
    while (producing) {
      const dump = await runnel(['dump-log', file, '--json']);
      expect(dump).toMatchObject({ code: 0, stderr: '' });
      const { batches, problems } = JSON.parse(dump.stdout);
      expect(problems).toEqual([]);
      seen.push(batches.length);
    }
    expect((await perf).code).toBe(0);
    // The dumps saw the segment grow.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)!).toBeGreaterThan(seen[0]!);
  });

  test('.index and .timeindex: entries that agree with the log beside them', async () => {
    const index = await runnel(['dump-log', join(partitionDir, `${SEGMENT}.index`), '--json']);
    expect(index.code).toBe(0);
    const { entries, problems, verifiedAgainst } = JSON.parse(index.stdout);
    expect(entries.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    expect(verifiedAgainst).toBe(join(partitionDir, `${SEGMENT}.log`));
    const people = await runnel(['dump-log', join(partitionDir, `${SEGMENT}.index`)]);
    expect(people.stdout.split('\n')[1]).toBe(
      `offset: ${entries[0].offset} position: ${entries[0].position}`,
    );
    const time = await runnel(['dump-log', join(partitionDir, `${SEGMENT}.timeindex`), '--json']);
    expect(time.code).toBe(0);
    expect(JSON.parse(time.stdout).entries.length).toBeGreaterThan(0);
  });

  test('a truncated segment: the whole batches, then the partial one named by position, exit 1', async () => {
    const dir = await copySegment('truncated');
    const file = join(dir, `${SEGMENT}.log`);
    const size = (await readFile(file)).length;
    await truncate(file, size - 7);
    const result = await runnel(['dump-log', file, '--json']);
    expect(result.code).toBe(1);
    const dump = JSON.parse(result.stdout);
    expect(dump.validBytes).toBeLessThan(size - 7);
    expect(dump.invalidTail).toBe(
      `${size - 7 - dump.validBytes} invalid bytes at position ${dump.validBytes} (of ${size - 7}): the batch there is ${size - dump.validBytes} bytes but only ${size - 7 - dump.validBytes} remain`,
    );
    expect(result.stderr).toBe(`runnel dump-log: ${file}: 1 problem(s), the first: ${dump.invalidTail}\n`);
  });

  test('a batch with a flipped byte is listed as invalid and the walk goes on', async () => {
    const dir = await copySegment('flipped');
    const file = join(dir, `${SEGMENT}.log`);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // inside the last batch's records
    await writeFile(file, bytes);
    const result = await runnel(['dump-log', file, '--json']);
    expect(result.code).toBe(1);
    const dump = JSON.parse(result.stdout);
    expect(dump.batches.filter((batch: { isValid: boolean }) => !batch.isValid)).toHaveLength(1);
    expect(dump.batches.at(-1).isValid).toBe(false);
    expect(result.stderr).toMatch(/CRC \d+ does not match its bytes/);
  });

  test('an index entry pointing where no batch starts is reported, exit 1', async () => {
    const dir = await copySegment('bad-index');
    const file = join(dir, `${SEGMENT}.index`);
    const bytes = await readFile(file);
    bytes.writeInt32BE(bytes.readInt32BE(4) + 1, 4); // the first entry's position, one byte off
    await writeFile(file, bytes);
    const result = await runnel(['dump-log', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/entry 0: no batch starts at position \d+ of the log\n/);
  });

  test('a partial index entry and a missing file are named', async () => {
    const dir = await copySegment('partial-index');
    const file = join(dir, `${SEGMENT}.timeindex`);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 5));
    const partial = await runnel(['dump-log', file]);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/7 bytes at the end are a partial entry \(entries are 12 bytes/);
    const missing = await runnel(['dump-log', join(dir, '00000000000000000099.log')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^runnel dump-log: ENOENT: no such file or directory, open '.*00000000000000000099\.log'\n$/,
    );
    const badName = await runnel(['dump-log', join(dir, 'notes.txt')]);
    expect(badName.code).toBe(2);
  });
});
