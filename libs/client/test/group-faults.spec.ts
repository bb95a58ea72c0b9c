import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from '../src/consumer/consumer.js';
import { consumerFor, Progress } from './consumer-helpers.js';
import { FAST_GROUP, RecordingMember, splitDisjointly, untilAll } from './group-helpers.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const here = dirname(fileURLToPath(import.meta.url));
const TOPIC = 'fault-orders';
const PARTITIONS = 3;
const PER_PARTITION = 1_000;
const GROUP = 'fault-billing';

let broker: TestBroker;
let kafka: Kafka;
let bundleDir: string;
let childScript: string;
let child: ChildProcess | undefined;
let survivor: Consumer | undefined;

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 1_000 });
  kafka = new Kafka({
    clientId: 'group-faults-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: PER_PARTITION }, (_, i) => ({ partition, value: `${partition}-${i}` })),
    });
  }
  await producer.disconnect();
  // The child runs our TypeScript sources: bundle it (packages stay external, resolved from the
  // workspace's node_modules, under which the bundle is written).
  const cache = join(here, '..', '..', '..', 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  bundleDir = await mkdtemp(join(cache, 'runnel-group-fault-'));
  childScript = join(bundleDir, 'group-fault-child.mjs');
  await build({
    entryPoints: [join(here, 'group-fault-child.ts')],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
}, 30_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.disconnect();
  await broker.close();
  await rm(bundleDir, { recursive: true, force: true });
});

/** `partition offset` pairs the child's handler was given, in the order it wrote them. */
function startChild(seen: [number, bigint][], progress: Progress): ChildProcess {
  const started = spawn(process.execPath, [childScript, broker.bootstrap, GROUP, TOPIC], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: started.stdout! }).on('line', (line) => {
    const [partition, offset] = line.split(' ');
    if (offset !== undefined) seen.push([Number(partition), BigInt(offset)]);
    progress.notify();
  });
  return started;
}

describe('a group member SIGKILLed mid-batch', () => {
  it('loses nothing, and its successor repeats only what it had not committed', async () => {
    const fromChild: [number, bigint][] = [];
    const childProgress = new Progress();
    child = startChild(fromChild, childProgress);
    // Kill it well into the topic, while handlers run and auto commits trail behind them.
    await childProgress.until(() => fromChild.length >= 1_200);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    child = undefined;
    expect(fromChild.length).toBeLessThan(PARTITIONS * PER_PARTITION);

    const admin = kafka.admin();
    await admin.connect();
    const [committedTopic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    await admin.disconnect();
    const committed = new Map(
      committedTopic!.partitions.map(({ partition, offset }) => [partition, BigInt(offset)]),
    );
    // The child had committed progress (so this tests resuming, not starting over).
    expect([...committed.values()].some((offset) => offset > 0n)).toBe(true);

    const fromSurvivor: [number, bigint][] = [];
    const survivorProgress = new Progress();
    const consumer = consumerFor(broker.bootstrap, {
      groupId: GROUP,
      sessionTimeoutMs: 3_000,
      heartbeatIntervalMs: 100,
      rebalanceTimeoutMs: 10_000,
      maxWaitMs: 100,
    });
    survivor = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    const last = new Map<number, bigint>();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        fromSurvivor.push([partition, message.offset]);
        last.set(partition, message.offset);
        survivorProgress.notify();
      },
    });
    const end = BigInt(PER_PARTITION - 1);
    // Done when every partition was read to its end, or had been committed to its end already.
    const finished = (p: number) => last.get(p) === end || committed.get(p) === BigInt(PER_PARTITION);
    await survivorProgress.until(() => [...Array(PARTITIONS).keys()].every(finished));

    for (let partition = 0; partition < PARTITIONS; partition++) {
      const byChild = fromChild.filter(([p]) => p === partition).map(([, offset]) => offset);
      const bySurvivor = fromSurvivor.filter(([p]) => p === partition).map(([, offset]) => offset);
      const start = committed.get(partition) ?? -1n;
      const resumeAt = start < 0n ? 0n : start;
      // The successor starts exactly at the committed offset and reads on in order, once each.
      expect(bySurvivor).toEqual(
        Array.from({ length: PER_PARTITION - Number(resumeAt) }, (_, i) => resumeAt + BigInt(i)),
      );
      // Nothing lost: every offset below the commit was handled by the child.
      const handled = new Set([...byChild, ...bySurvivor]);
      for (let offset = 0n; offset <= end; offset++) expect(handled.has(offset)).toBe(true);
      // The commit never ran ahead of the handler: the child handled everything below it, once.
      expect(byChild.filter((offset) => offset < resumeAt)).toHaveLength(Number(resumeAt));
      // So the only records handled twice are those at or past the commit, which the child had
      // handled but not committed.
      const twice = byChild.filter((offset) => bySurvivor.includes(offset));
      expect(twice.every((offset) => offset >= resumeAt)).toBe(true);
    }
  }, 60_000);
});

describe('a group across a broker restart', () => {
  it('members find the coordinator again, stay in their group and keep their commits', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-group-restart-'));
    let restartable = await startTestBroker({ dataDir, groupMinSessionTimeoutMs: 1_000 });
    const port = restartable.broker.port;
    const members: RecordingMember[] = [];
    try {
      const admin = new Kafka({ brokers: [restartable.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'restart', numPartitions: 4 }], waitForLeaders: true });
      await admin.disconnect();
      const options = { groupId: 'restart', ...FAST_GROUP, sessionTimeoutMs: 10_000 };
      const [a, b] = [
        new RecordingMember(restartable.bootstrap, options),
        new RecordingMember(restartable.bootstrap, options),
      ];
      members.push(a, b);
      await a.start(['restart']);
      await b.start(['restart']);
      await untilAll([a, b], () => splitDisjointly([a, b], 'restart', 4) && a.owned.size === 2);
      await a.coordinator.commitOffsets(
        [...a.owned].map((tp) => ({ topic: 'restart', partition: Number(tp.split(':')[1]), offset: 5n })),
      );
      const generation = a.coordinator.generationId;

      await restartable.close();
      restartable = await startTestBroker({ dataDir, port, groupMinSessionTimeoutMs: 1_000 });

      // The group was replayed Stable with both members; their heartbeats find it again in time.
      const c = new RecordingMember(restartable.bootstrap, options);
      members.push(c);
      await c.start(['restart']);
      await untilAll(
        [a, b, c],
        () =>
          splitDisjointly([a, b, c], 'restart', 4) &&
          a.coordinator.generationId === c.coordinator.generationId &&
          b.coordinator.generationId === c.coordinator.generationId,
      );
      expect(c.coordinator.generationId).toBeGreaterThan(generation);
      expect(a.calls.some(({ kind }) => kind === 'lost')).toBe(false);
      const committed = await c.coordinator.fetchCommittedOffsets(
        [0, 1, 2, 3].map((partition) => ({ topic: 'restart', partition })),
      );
      expect([...committed.values()].filter((offset) => offset === 5n)).toHaveLength(2);
    } finally {
      await Promise.all(members.map((member) => member.stop()));
      await restartable.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
