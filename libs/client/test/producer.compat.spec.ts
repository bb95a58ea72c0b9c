import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import type { RecordMetadata } from '../src/producer/producer-record.js';
import { connectedProducer, createTopic, rawConnection } from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const run = promisify(execFile);

/** Runs Debian's kcat (librdkafka) and returns its stdout. */
async function kcat(args: readonly string[], input?: string): Promise<string> {
  const child = run('kcat', [...args], { timeout: 20_000, killSignal: 'SIGKILL' });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return (await child).stdout;
}

let broker: TestBroker;
let admin: BrokerConnection;

beforeAll(async () => {
  broker = await startTestBroker();
  admin = await rawConnection(broker.bootstrap);
});

afterAll(async () => {
  await admin?.close();
  await broker?.close();
});

describe('Producer interoperation with kcat (librdkafka)', () => {
  it('writes records kcat reads back intact: keys, values, headers, partitions and per-key order', async () => {
    await createTopic(admin, 'to-kcat', 3);
    const { producer, close } = await connectedProducer(broker.bootstrap, { compression: 'lz4' });
    const messages = Array.from({ length: 90 }, (_, i) => ({
      key: `key-${i % 9}`,
      value: `value-${i}`,
      headers: { trace: `t${i}` },
    }));
    let results: RecordMetadata[];
    try {
      results = await producer.send({ topic: 'to-kcat', messages });
    } finally {
      await close();
    }
    const out = await kcat([
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      'to-kcat',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p|%o|%k|%s|%h\\n',
    ]);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(lines).toHaveLength(90);
    const byLocation = new Map(lines.map(([p, o, k, v, h]) => [`${p}/${o}`, { k, v, h }]));
    results.forEach((r, i) => {
      expect(byLocation.get(`${r.partition}/${r.offset}`)).toEqual({
        k: messages[i]!.key,
        v: messages[i]!.value,
        h: `trace=t${i}`,
      });
    });
    const lastByKey = new Map<string, number>();
    for (const [, , k, v] of lines.sort(
      (a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]),
    )) {
      const n = Number(v!.slice('value-'.length));
      expect(n).toBeGreaterThan(lastByKey.get(k!) ?? -1);
      lastByKey.set(k!, n);
    }
  });

  it("places keyed records on the partition librdkafka's murmur2_random partitioner picks", async () => {
    await createTopic(admin, 'by-kcat', 5);
    await createTopic(admin, 'by-runnel', 5);
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i * 31}`);
    await kcat(
      ['-b', broker.bootstrap, '-P', '-t', 'by-kcat', '-K', ':', '-X', 'partitioner=murmur2_random'],
      `${keys.map((k) => `${k}:v`).join('\n')}\n`,
    );
    const out = await kcat([
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      'by-kcat',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k %p\\n',
    ]);
    const kcatPartition = new Map(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    expect(kcatPartition.size).toBe(200);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const results = await producer.send({
        topic: 'by-runnel',
        messages: keys.map((key) => ({ key, value: 'v' })),
      });
      for (const [i, r] of results.entries()) expect(String(r.partition)).toBe(kcatPartition.get(keys[i]!));
    } finally {
      await close();
    }
  });
});
