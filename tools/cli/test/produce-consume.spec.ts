import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

let cluster: TestBroker;
let b: string[];

beforeAll(async () => {
  cluster = await startTestBroker();
  b = ['-b', cluster.bootstrap];
}, 30_000);
afterAll(() => cluster.close());

async function topic(name: string, partitions: number): Promise<void> {
  expect((await runnel(['topics', 'create', name, '--partitions', String(partitions), ...b])).code).toBe(0);
}

/** What kafkajs reads back from a partition: key, value, headers as text. */
async function readWithKafkajs(
  name: string,
  count: number,
): Promise<{ partition: number; key: string | null; value: string; headers: Record<string, string> }[]> {
  const kafka = new Kafka({ brokers: [cluster.bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `oracle-${name}` });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const seen: { partition: number; key: string | null; value: string; headers: Record<string, string> }[] =
    [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({
          partition,
          key: message.key?.toString() ?? null,
          value: message.value!.toString(),
          headers,
        });
        if (seen.length === count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('runnel produce', () => {
  test('writes each line as a record, split into key and value at the separator, with the headers', async () => {
    await topic('keyed', 1);
    const result = await runnel(
      ['produce', 'keyed', '--key-separator', ':', '--header', 'source=cli', ...b],
      {
        stdin: 'k1:v1\nno separator here\nk3:v:3\n',
      },
    );
    expect(result).toEqual({ code: 0, stdout: 'Wrote 3 records to keyed.\n', stderr: '' });
    expect(await readWithKafkajs('keyed', 3)).toEqual([
      { partition: 0, key: 'k1', value: 'v1', headers: { source: 'cli' } },
      { partition: 0, key: null, value: 'no separator here', headers: { source: 'cli' } },
      { partition: 0, key: 'k3', value: 'v:3', headers: { source: 'cli' } },
    ]);
  });

  test('--partition puts every record there; --json reports the count per partition', async () => {
    await topic('pinned', 3);
    const result = await runnel(
      ['produce', 'pinned', '--partition', '2', '--acks', '1', '--compression', 'gzip', '--json', ...b],
      {
        stdin: 'a\nb\n',
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ topic: 'pinned', records: 2, partitions: { 2: 2 } });
  });

  test('--file reads the lines of a file; a missing file is named', async () => {
    await topic('from-file', 1);
    const dir = await mkdtemp(join(tmpdir(), 'runnel-produce-'));
    try {
      await writeFile(join(dir, 'lines.txt'), 'one\r\ntwo\nthree');
      const result = await runnel(['produce', 'from-file', '--file', join(dir, 'lines.txt'), ...b]);
      expect(result).toEqual({ code: 0, stdout: 'Wrote 3 records to from-file.\n', stderr: '' });
      expect((await runnel(['consume', 'from-file', '--from-beginning', ...b])).stdout).toBe(
        'one\ntwo\nthree\n',
      );
      const missing = await runnel(['produce', 'from-file', '--file', join(dir, 'absent.txt'), ...b]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^runnel produce: ENOENT.*absent\.txt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a line is sent when it arrives, before the input ends, as at a terminal', async () => {
    await topic('typed', 1);
    const stdin = new PassThrough();
    const producing = runnel(['produce', 'typed', ...b], { stdin });
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    stdin.write('first line\n');
    // The consumer sees the first line while the producer's input is still open.
    const seen = await runnel(['consume', 'typed', '--from-beginning', '--follow', ...b], {
      interrupt: interrupted,
      onStdout: (text) => {
        if (text === 'first line\n') interrupt();
      },
    });
    expect(seen.stdout).toBe('first line\n');
    stdin.end('second line\n');
    expect(await producing).toEqual({ code: 0, stdout: 'Wrote 2 records to typed.\n', stderr: '' });
  });

  test('an unknown topic is reported, not created', async () => {
    const result = await runnel(['produce', 'missing-topic', ...b], { stdin: 'x\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^runnel produce: topic 'missing-topic': UNKNOWN_TOPIC_OR_PARTITION/);
    expect((await runnel(['topics', 'list', ...b])).stdout.split('\n')).not.toContain('missing-topic');
  });

  test('a partition the topic does not have exits 1 naming it', async () => {
    await topic('small', 1);
    const result = await runnel(['produce', 'small', '--partition', '5', ...b], { stdin: 'x\n' });
    expect(result).toMatchObject({
      code: 1,
      stderr: "runnel produce: topic 'small' has no partition 5 (it has 1)\n",
    });
  });

  test('bad --acks and --compression are usage errors', async () => {
    expect((await runnel(['produce', 'small', '--acks', '2', ...b])).stderr).toMatch(
      /--acks '2' is not one of 0, 1, -1, all/,
    );
    const codec = await runnel(['produce', 'small', '--compression', 'brotli', ...b]);
    expect(codec.code).toBe(2);
  });
});

describe('runnel consume', () => {
  beforeAll(async () => {
    await topic('events', 2);
    await runnel(['produce', 'events', '--partition', '0', '--key-separator', '=', '--header', 'h=1', ...b], {
      stdin: 'a=1\nb=2\nc=3\n',
    });
    await runnel(['produce', 'events', '--partition', '1', ...b], { stdin: 'x\ny\n' });
  });

  test('--from-beginning prints every value and exits at the end of the log', async () => {
    const result = await runnel(['consume', 'events', '--from-beginning', ...b]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3', 'x', 'y']);
  });

  test('--format renders kcat tokens, --partition and --offset pick where to start', async () => {
    const result = await runnel([
      'consume',
      'events',
      '--partition',
      '0',
      '--offset',
      '1',
      '--format',
      '%t/%p/%o %k=%v [%h] %K %S\\n',
      ...b,
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: 'events/0/1 b=2 [h=1] 1 1\nevents/0/2 c=3 [h=1] 1 1\n',
      stderr: '',
    });
  });

  test('--json prints one object per record; --max-messages stops early', async () => {
    const result = await runnel([
      'consume',
      'events',
      '--partition',
      '0',
      '--from-beginning',
      '--max-messages',
      '2',
      '--json',
      ...b,
    ]);
    expect(result.code).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toEqual([
      {
        topic: 'events',
        partition: 0,
        offset: 0,
        timestamp: expect.any(Number),
        key: 'a',
        value: '1',
        headers: [{ key: 'h', value: '1' }],
      },
      {
        topic: 'events',
        partition: 0,
        offset: 1,
        timestamp: expect.any(Number),
        key: 'b',
        value: '2',
        headers: [{ key: 'h', value: '1' }],
      },
    ]);
  });

  test('--from-time starts at the first record at or after it', async () => {
    await topic('timed', 1);
    await runnel(['produce', 'timed', ...b], { stdin: 'old\n' });
    const oldAt = Number(
      (await runnel(['consume', 'timed', '--from-beginning', '--format', '%T', ...b])).stdout,
    );
    while (Date.now() <= oldAt) {
      // the clock must pass the old record's millisecond, so the new one is stamped after it
    }
    await runnel(['produce', 'timed', ...b], { stdin: 'new\n' });
    const iso = await runnel(['consume', 'timed', '--from-time', new Date(oldAt + 1).toISOString(), ...b]);
    expect(iso.stdout).toBe('new\n');
    const ms = await runnel(['consume', 'timed', '--from-time', String(oldAt), ...b]);
    expect(ms.stdout).toBe('old\nnew\n');
  });

  test('without a start flag it starts at the latest offset, so an idle topic prints nothing', async () => {
    expect(await runnel(['consume', 'events', ...b])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--follow keeps reading past the end of the log until interrupted', async () => {
    await topic('followed', 1);
    await runnel(['produce', 'followed', ...b], { stdin: 'early\n' });
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    let produced = false;
    const result = await runnel(['consume', 'followed', '--follow', '--from-beginning', ...b], {
      interrupt: interrupted,
      onStdout: (text) => {
        // Past the end it was at when it started, the consumer is still there for the next record.
        if (text === 'early\n' && !produced) {
          produced = true;
          void runnel(['produce', 'followed', ...b], { stdin: 'later\n' });
        }
        if (text.endsWith('later\n')) interrupt();
      },
    });
    expect(result).toEqual({ code: 0, stdout: 'early\nlater\n', stderr: '' });
  });

  test('--group commits what it printed, so the next run goes on from there', async () => {
    const first = await runnel([
      'consume',
      'events',
      '--group',
      'readers',
      '--from-beginning',
      '--max-messages',
      '4',
      ...b,
    ]);
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    const second = await runnel(['consume', 'events', '--group', 'readers', '--from-beginning', ...b]);
    const all = [...first.stdout.split('\n'), ...second.stdout.split('\n')].filter(Boolean).sort();
    expect(all).toEqual(['1', '2', '3', 'x', 'y']);
  });

  test('an offset outside the partition is refused naming topic, partition and range', async () => {
    const result = await runnel(['consume', 'events', '--partition', '1', '--offset', '7', ...b]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "runnel consume: topic 'events' partition 1: offset 7 is out of range (earliest offset 0, latest offset 2)\n",
    });
  });

  test('bad input: unknown topic exits 1, malformed offsets and conflicting flags exit 2', async () => {
    const unknown = await runnel(['consume', 'nope', '--from-beginning', ...b]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^runnel consume: topic 'nope': UNKNOWN_TOPIC_OR_PARTITION/);
    expect((await runnel(['consume', 'events', '--offset', '-3', ...b])).stderr).toMatch(
      /--offset '-3' is not an offset/,
    );
    expect((await runnel(['consume', 'events', '--offset', '1', '--from-beginning', ...b])).code).toBe(2);
    expect((await runnel(['consume', 'events', '--group', 'g', '--offset', '1', ...b])).code).toBe(2);
    expect((await runnel(['consume', 'events', '--from-time', 'yesterday', ...b])).stderr).toMatch(
      /--from-time 'yesterday' is neither/,
    );
    expect((await runnel(['consume', 'events', '--format', '%q', ...b])).stderr).toMatch(
      /'%q' at 0 is not a known token/,
    );
  });
});
