import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess } from '../src/testing/index.js';
import { hashFiles } from './support/data-dir-files.js';

const lockedLine = (dataDir: string, pid: number) =>
  `runnel-broker: data directory ${dataDir} is in use by another broker (pid ${pid}, lock ${join(dataDir, '.lock')}): stop that broker or give this one another --data-dir (RUNNEL_DATA_DIR)\n`;

function kafka(broker: BrokerProcess): Kafka {
  return new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
}

async function produce(broker: BrokerProcess, topic: string, values: string[]): Promise<void> {
  const producer = kafka(broker).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Every value of partition 0 of `topic`, read by a kafkajs consumer group from the beginning. */
async function consume(broker: BrokerProcess, topic: string, count: number): Promise<string[]> {
  const consumer = kafka(broker).consumer({ groupId: `reader-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === count) resolve();
        },
      });
    });
    return values;
  } finally {
    await consumer.disconnect();
  }
}

async function createTopic(broker: BrokerProcess, topic: string, partitions: number): Promise<void> {
  const admin = kafka(broker).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Each test starts broker processes (node's start-up, then the broker's), seconds on a loaded machine. */
const PROCESS_TEST_TIMEOUT_MS = 30_000;

describe('one broker per data directory', () => {
  const brokers: BrokerProcess[] = [];
  const FLAGS = ['--group-initial-rebalance-delay-ms', '0', '--offsets-topic-num-partitions', '1'];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.stop('SIGKILL')));
  });

  it(
    'refuses a second broker on a live directory in one line, changing no file, while the first keeps serving',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-lock-'));
      const first = await BrokerProcess.start(dataDir, FLAGS);
      brokers.push(first);
      await createTopic(first, 'acked', 1);
      await produce(first, 'acked', ['a1', 'a2', 'a3']);
      const before = hashFiles(dataDir);
      expect(Object.keys(before)).toEqual(
        expect.arrayContaining(['.lock', 'meta.json', 'acked-0/00000000000000000000.timeindex']),
      );

      const second = await BrokerProcess.attempt(dataDir, FLAGS);
      if (second instanceof BrokerProcess) {
        brokers.push(second);
        throw new Error('the second broker started on a locked data directory');
      }
      expect(second).toEqual({ exitCode: 1, stdout: '', stderr: lockedLine(dataDir, first.child.pid!) });
      expect(hashFiles(dataDir)).toEqual(before);

      await produce(first, 'acked', ['a4']);
      expect(await consume(first, 'acked', 4)).toEqual(['a1', 'a2', 'a3', 'a4']);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'starts on a directory whose broker was killed with SIGKILL, with everything acknowledged',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-lock-'));
      const killed = await BrokerProcess.start(dataDir, FLAGS);
      brokers.push(killed);
      await createTopic(killed, 'survives', 1);
      await produce(killed, 'survives', ['s1', 's2']);
      expect(await killed.stop('SIGKILL')).toBeNull();
      expect(JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8')).pid).toBe(killed.child.pid);

      const next = await BrokerProcess.start(dataDir, FLAGS);
      brokers.push(next);
      expect(JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8')).pid).toBe(next.child.pid);
      await produce(next, 'survives', ['s3']);
      expect(await consume(next, 'survives', 3)).toEqual(['s1', 's2', 's3']);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'lets exactly one of several brokers started at once take over a stale lock',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-lock-'));
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      writeFileSync(
        join(dataDir, '.lock'),
        `${JSON.stringify({ pid: Number(gone.stdout), nonce: 'stale' })}\n`,
      );

      const attempts = await Promise.all([1, 2, 3, 4].map(() => BrokerProcess.attempt(dataDir, FLAGS)));
      const started = attempts.filter((a): a is BrokerProcess => a instanceof BrokerProcess);
      brokers.push(...started);
      expect(started).toHaveLength(1);
      const winner = started[0]!;
      expect(attempts.filter((a) => !(a instanceof BrokerProcess))).toEqual(
        Array(3).fill({ exitCode: 1, stdout: '', stderr: lockedLine(dataDir, winner.child.pid!) }),
      );
      expect(JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8')).pid).toBe(winner.child.pid);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'releases the lock at a clean shutdown',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-lock-'));
      const broker = await BrokerProcess.start(dataDir, FLAGS);
      brokers.push(broker);
      expect(await broker.stop('SIGTERM')).toBe(0);
      expect(Object.keys(hashFiles(dataDir))).not.toContain('.lock');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
