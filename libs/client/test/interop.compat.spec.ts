import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { CompressionType, type RecordBatch } from '@runnel/protocol';
import type { GroupEvent } from '../src/consumer/group/group-events.js';
import type { CompressionName } from '../src/producer/producer-options.js';
import { Runnel } from '../src/runnel.js';
import { type Consumed, consumeCount, storedBatches, text } from './support/client-contract.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

/**
 * Interoperation with librdkafka through Debian's kcat, on our embedded broker: what our producer
 * writes kcat reads intact, and what kcat writes our consumer reads intact. (kafkajs interop is in
 * the producer, consumer and group specs.)
 */
const run = promisify(execFile);

let broker: TestBroker;
let runnel: Runnel;
let topicCount = 0;
const PARTITIONS = 5;

beforeAll(async () => {
  // A group's first generation forms 4 s after its first join (each later join within that restarts
  // the wait), so a kcat member started after ours has joined is in it, even on a loaded machine
  // where starting kcat takes a second or two.
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 4000 });
  runnel = new Runnel({ clientId: 'interop-spec', brokers: [broker.bootstrap] });
});

afterAll(async () => {
  await broker?.close();
});

async function newTopic(prefix: string): Promise<string> {
  const topic = `${prefix}-${++topicCount}`;
  const admin = runnel.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  return topic;
}

interface KcatRecord {
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: string;
}

/**
 * Every record of `topic` as kcat reads it from the beginning to the end (`-e`). The format puts
 * the key and value lengths first (`-1` for null) and then their bytes, so any bytes survive.
 */
async function kcatRead(topic: string): Promise<KcatRecord[]> {
  const { stdout } = await run(
    'kcat',
    [
      '-b',
      broker.bootstrap,
      '-C',
      '-e',
      '-q',
      '-o',
      'beginning',
      '-t',
      topic,
      '-f',
      '%p %o %T %K %S\n%k%s\n%h\n',
    ],
    { encoding: 'buffer', timeout: 20_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
  );
  const out = stdout as Buffer;
  const records: KcatRecord[] = [];
  let at = 0;
  const line = () => {
    const end = out.indexOf(0x0a, at);
    const s = out.toString('utf8', at, end);
    at = end + 1;
    return s;
  };
  while (at < out.length) {
    const [p, o, t, k, s] = line().split(' ').map(Number) as [number, number, number, number, number];
    const bytes = (n: number) => {
      if (n < 0) return null;
      const b = out.subarray(at, at + n);
      at += n;
      return Buffer.from(b);
    };
    const key = bytes(k);
    const value = bytes(s);
    at += 1; // the newline after the value
    records.push({ partition: p, offset: BigInt(o), timestamp: t, key, value, headers: line() });
  }
  return records;
}

/** Runs kcat as a producer with `lines` on stdin (`key:value` with -K :), and `args` added. */
async function kcatProduce(topic: string, lines: readonly string[], args: readonly string[]): Promise<void> {
  const child = spawn('kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(`${lines.join('\n')}\n`);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`kcat -P exited with ${code}: ${stderr}`);
}

describe('our producer, read back by kcat (librdkafka)', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'keys, values (binary and null), headers, partitions, offsets and per-key order survive (compression %s)',
    async (compression: CompressionName) => {
      const topic = await newTopic(`to-kcat-${compression}`);
      const producer = runnel.producer({ compression, batchSize: 2048 });
      await producer.connect();
      const messages = Array.from({ length: 200 }, (_, i) => ({
        key: i % 10 === 0 ? null : `key-${i % 17}`,
        value: i % 23 === 0 ? null : i % 7 === 0 ? Buffer.from([0, 10, 13, 255, i]) : `value ${i}`,
        headers: { seq: String(i), origin: 'runnel' },
      }));
      const results = (
        await Promise.all(
          [0, 50, 100, 150].map((first) =>
            producer.send({ topic, messages: messages.slice(first, first + 50) }),
          ),
        )
      ).flat();
      await producer.disconnect();

      const read = await kcatRead(topic);
      expect(read).toHaveLength(messages.length);
      const byLocation = new Map(read.map((r) => [`${r.partition}/${r.offset}`, r]));
      results.forEach((result, i) => {
        const m = messages[i]!;
        const r = byLocation.get(`${result.partition}/${result.offset}`)!;
        expect(r).toBeDefined();
        expect(text(r.key)).toBe(m.key);
        expect(r.value).toEqual(typeof m.value === 'string' ? Buffer.from(m.value) : m.value);
        expect(r.headers).toBe(`seq=${i},origin=runnel`);
        expect(r.timestamp).toBe(result.timestamp);
      });
      // Per key, kcat sees the order in which the records were sent.
      const lastByKey = new Map<string, number>();
      read.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
      for (const r of read.filter((x) => x.key !== null)) {
        const seq = Number(r.headers.split(',')[0]!.slice('seq='.length));
        expect(seq).toBeGreaterThan(lastByKey.get(text(r.key)!) ?? -1);
        lastByKey.set(text(r.key)!, seq);
      }
      expect(new Set(read.map((r) => r.partition)).size).toBe(PARTITIONS);
    },
  );
});

describe('kcat (librdkafka) producing, read by our consumer', () => {
  it.each([
    ['none', CompressionType.None],
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as const)(
    'keyed records with headers arrive intact, in order, on the partitions our producer picks for those keys (-z %s)',
    async (codec, compression) => {
      const topic = await newTopic(`from-kcat-${codec}`);
      const lines = Array.from({ length: 300 }, (_, i) => `key-${i % 19}:value ${i}`);
      await kcatProduce(topic, lines, [
        '-z',
        codec,
        '-X',
        'partitioner=murmur2_random',
        '-H',
        'origin=kcat',
        '-H',
        'kind=test',
      ]);

      // librdkafka sends a batch uncompressed when compressing it would make it larger (a batch of
      // a record or two, where its linger split the lines): each batch is either, and the codec's
      // own batches are there.
      const stored: RecordBatch[] = [];
      for (let partition = 0; partition < PARTITIONS; partition++) {
        stored.push(...(await storedBatches(runnel, topic, partition)));
      }
      expect(
        stored.filter((b) => b.compression !== compression && b.compression !== CompressionType.None),
      ).toEqual([]);
      expect(stored.some((b) => b.compression === compression)).toBe(true);

      const consumer = runnel.consumer({ maxWaitMs: 50 });
      await consumer.connect();
      let consumed: Consumed[];
      try {
        consumer.assign(
          Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 0n })),
        );
        consumed = await consumeCount(consumer, lines.length);
      } finally {
        await consumer.disconnect();
      }

      const partitionOfKey = new Map<string, number>();
      const lastByKey = new Map<string, number>();
      for (const { partition, message } of consumed) {
        const key = text(message.key)!;
        const i = Number(text(message.value)!.slice('value '.length));
        expect(lines[i]).toBe(`${key}:value ${i}`);
        expect(text(message.headers.origin as Buffer)).toBe('kcat');
        expect(text(message.headers.kind as Buffer)).toBe('test');
        expect(i).toBeGreaterThan(lastByKey.get(key) ?? -1);
        lastByKey.set(key, i);
        expect(partitionOfKey.get(key) ?? partition).toBe(partition);
        partitionOfKey.set(key, partition);
      }
      expect(new Set(consumed.map((c) => text(c.message.value))).size).toBe(lines.length);

      // librdkafka's murmur2_random and our default partitioner place every key alike.
      const producer = runnel.producer();
      await producer.connect();
      const keys = [...partitionOfKey.keys()];
      const placed = await producer.send({ topic, messages: keys.map((key) => ({ key, value: 'probe' })) });
      await producer.disconnect();
      expect(placed.map((r) => r.partition)).toEqual(keys.map((key) => partitionOfKey.get(key)));
      expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
    },
  );
});

describe('kcat (librdkafka) and our consumer in one group', () => {
  it('agree on the range assignor and split the partitions: each reads its own share once, together every record', async () => {
    const topic = await newTopic('shared-group');
    const perPartition = 20;
    const producer = runnel.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: PARTITIONS * perPartition }, (_, i) => ({
        partition: i % PARTITIONS,
        value: `m${i}`,
      })),
    });
    await producer.disconnect();

    const groupId = `shared-${topic}`;
    const consumer = runnel.consumer({
      groupId,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      maxWaitMs: 50,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const firstJoin = new Promise<GroupEvent & { type: 'group-join' }>((resolve) => {
      const listener = (event: GroupEvent) => {
        if (event.type !== 'group-join') return;
        consumer.off('group', listener);
        resolve(event);
      };
      consumer.on('group', listener);
    });
    const ours: { partition: number; value: string }[] = [];
    // Our share is known at the first join; the first fetch can only come after it.
    let ourShare = Number.POSITIVE_INFINITY;
    const ourShareRead = new Promise<void>((resolve, reject) => {
      consumer.once('crash', ({ error }) => reject(error));
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            ours.push({ partition, value: text(message.value)! });
            if (ours.length === ourShare) resolve();
          },
        })
        .catch(reject);
    });
    // run() has started our member's join; kcat, started after it, joins within the initial delay,
    // and leaves once every partition it was given is read to its end (-e).
    const kcatLines = run(
      'kcat',
      [
        '-b',
        broker.bootstrap,
        '-G',
        groupId,
        '-X',
        'partition.assignment.strategy=range,roundrobin',
        '-X',
        'session.timeout.ms=6000',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%p %s\\n',
        topic,
      ],
      { timeout: 30_000, killSignal: 'SIGKILL' },
    );
    try {
      const join = await firstJoin;
      expect(join.protocol).toBe('range');
      expect(join.assigned.length).toBeGreaterThan(0);
      expect(join.assigned.length).toBeLessThan(PARTITIONS);
      ourShare = join.assigned.length * perPartition;
      await ourShareRead;
    } finally {
      await consumer.disconnect();
    }
    const theirs = (await kcatLines).stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ({ partition: Number(line.split(' ')[0]), value: line.split(' ')[1]! }));

    const ourPartitions = new Set(ours.map((r) => r.partition));
    const theirPartitions = new Set(theirs.map((r) => r.partition));
    expect(ourPartitions.size + theirPartitions.size).toBe(PARTITIONS);
    expect([...ourPartitions].filter((p) => theirPartitions.has(p))).toEqual([]);
    expect([...ours, ...theirs].map((r) => r.value).sort()).toEqual(
      Array.from({ length: PARTITIONS * perPartition }, (_, i) => `m${i}`).sort(),
    );
  }, 40_000);
});
