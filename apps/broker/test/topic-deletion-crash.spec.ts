import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELETE_DIR_SUFFIX, setAsideDirName } from '@runnel/log-store';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { BrokerProcess } from '../src/testing/index.js';

const DOOMED_PARTITIONS = 3;
const KEPT_PARTITIONS = 2;
/** Records produced to every partition of both topics. */
const RECORDS = 4;
/** Each test starts a broker in this process and one or two as child processes. */
const TIMEOUT_MS = 20_000;

function admin(bootstrapServers: string) {
  return new Kafka({ brokers: [bootstrapServers], logLevel: logLevel.NOTHING }).admin();
}

/** A data directory holding `doomed` and `kept`, each partition with RECORDS records, after a clean stop. */
async function dataDirWithTopics(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-delete-crash-'));
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    dataDir,
    autoCreateTopicsEnable: false,
    logger: false,
  });
  const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const topics = admin(broker.bootstrapServers);
  await topics.connect();
  await topics.createTopics({
    topics: [
      { topic: 'doomed', numPartitions: DOOMED_PARTITIONS },
      { topic: 'kept', numPartitions: KEPT_PARTITIONS },
    ],
  });
  await topics.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (const [topic, partitions] of [
    ['doomed', DOOMED_PARTITIONS],
    ['kept', KEPT_PARTITIONS],
  ] as const) {
    for (let partition = 0; partition < partitions; partition++) {
      const messages = Array.from({ length: RECORDS }, (_, i) => ({
        partition,
        value: `${topic}-${partition}-${i}`,
      }));
      await producer.send({ topic, acks: -1, messages });
    }
  }
  await producer.disconnect();
  await broker.close();
  return dataDir;
}

/** What step 1 of a deletion does to one partition: its directory renamed `<topic>-<p>.<id>-delete`. */
function renameForDeletion(dataDir: string, topic: string, partition: number): string {
  const marked = setAsideDirName(topic, partition, randomBytes(16).toString('hex'), DELETE_DIR_SUFFIX);
  renameSync(join(dataDir, `${topic}-${partition}`), join(dataDir, marked));
  return marked;
}

/** What step 2 does: the topic is no longer in meta.json. */
function dropFromMeta(dataDir: string, topic: string): void {
  const path = join(dataDir, 'meta.json');
  const meta = JSON.parse(readFileSync(path, 'utf8')) as { topics: { name: string }[] };
  meta.topics = meta.topics.filter((t) => t.name !== topic);
  writeFileSync(path, `${JSON.stringify(meta, null, 2)}\n`);
}

const metaTopics = (dataDir: string) =>
  (JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as { topics: { name: string }[] }).topics
    .map((t) => t.name)
    .sort();

/** The state each crash point leaves behind, prepared on disk as that step leaves it. */
const CRASH_POINTS: [string, (dataDir: string) => void][] = [
  ['after renaming the first partition', (d) => renameForDeletion(d, 'doomed', 0)],
  [
    'after renaming every partition, before meta.json changed',
    (d) => {
      for (let p = 0; p < DOOMED_PARTITIONS; p++) renameForDeletion(d, 'doomed', p);
    },
  ],
  [
    'after meta.json dropped the topic, before anything was removed',
    (d) => {
      for (let p = 0; p < DOOMED_PARTITIONS; p++) renameForDeletion(d, 'doomed', p);
      dropFromMeta(d, 'doomed');
    },
  ],
  [
    'while the renamed directories were being removed',
    (d) => {
      const marked = Array.from({ length: DOOMED_PARTITIONS }, (_, p) => renameForDeletion(d, 'doomed', p));
      dropFromMeta(d, 'doomed');
      rmSync(join(d, marked[0]!), { recursive: true });
      rmSync(join(d, marked[1]!, '00000000000000000000.log'));
    },
  ],
];

describe('topic deletion across crashes', () => {
  const brokers: BrokerProcess[] = [];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.stop('SIGKILL')));
  });

  /** Starts the built broker on `dataDir` and checks that `doomed` is gone for good and `kept` is whole. */
  async function expectDoomedGoneAndKeptWhole(dataDir: string): Promise<BrokerProcess> {
    const broker = await BrokerProcess.start(dataDir, ['--auto-create-topics-enable', 'false']);
    brokers.push(broker);
    const client = admin(broker.bootstrapServers);
    await client.connect();
    try {
      expect((await client.listTopics()).sort()).toEqual(['kept']);
      expect(readdirSync(dataDir).filter((n) => n.startsWith('doomed'))).toEqual([]);
      expect(metaTopics(dataDir)).toEqual(['kept']);
      expect(await client.fetchTopicOffsets('kept')).toEqual(
        Array.from({ length: KEPT_PARTITIONS }, (_, partition) =>
          expect.objectContaining({ partition, low: '0', high: String(RECORDS) }),
        ),
      );
      // The name is free again and a new topic under it starts empty: nothing of the old one is left.
      await client.createTopics({ topics: [{ topic: 'doomed', numPartitions: DOOMED_PARTITIONS }] });
      const offsets = await client.fetchTopicOffsets('doomed');
      expect(offsets.map(({ high }) => high)).toEqual(Array(DOOMED_PARTITIONS).fill('0'));
    } finally {
      await client.disconnect();
    }
    return broker;
  }

  it.each(CRASH_POINTS)(
    'a crash %s: the next start finishes the deletion',
    async (_, crash) => {
      const dataDir = await dataDirWithTopics();
      crash(dataDir);
      await expectDoomedGoneAndKeptWhole(dataDir);
    },
    TIMEOUT_MS,
  );

  it(
    'says so when it finishes a deletion that meta.json had not recorded yet',
    async () => {
      const dataDir = await dataDirWithTopics();
      renameForDeletion(dataDir, 'doomed', 1);
      const broker = await expectDoomedGoneAndKeptWhole(dataDir);
      expect(broker.output.join('')).toContain(
        'topic doomed: finished its deletion, which a crash had interrupted',
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a crash before the first rename leaves the topic whole',
    async () => {
      const dataDir = await dataDirWithTopics();
      const broker = await BrokerProcess.start(dataDir);
      brokers.push(broker);
      const client = admin(broker.bootstrapServers);
      await client.connect();
      const offsets = await client.fetchTopicOffsets('doomed');
      await client.disconnect();
      expect(offsets.map(({ high }) => high)).toEqual(Array(DOOMED_PARTITIONS).fill(String(RECORDS)));
    },
    TIMEOUT_MS,
  );

  it(
    'a SIGKILL right after DeleteTopics was answered: the topic stays deleted',
    async () => {
      const dataDir = await dataDirWithTopics();
      const first = await BrokerProcess.start(dataDir, ['--auto-create-topics-enable', 'false']);
      brokers.push(first);
      const client = admin(first.bootstrapServers);
      await client.connect();
      await client.deleteTopics({ topics: ['doomed'] });
      await client.disconnect();
      await first.stop('SIGKILL');
      await expectDoomedGoneAndKeptWhole(dataDir);
    },
    TIMEOUT_MS,
  );

  it(
    'a partition directory meta.json does not name is set aside, never served',
    async () => {
      const dataDir = await dataDirWithTopics();
      cpSync(join(dataDir, 'kept-0'), join(dataDir, 'ghost-0'), { recursive: true });
      cpSync(join(dataDir, 'kept-0'), join(dataDir, 'kept-5'), { recursive: true });
      const broker = await BrokerProcess.start(dataDir);
      brokers.push(broker);
      const client = admin(broker.bootstrapServers);
      await client.connect();
      const topics = await client.listTopics();
      const kept = await client.fetchTopicMetadata({ topics: ['kept'] });
      await client.disconnect();
      expect(topics.sort()).toEqual(['doomed', 'kept']);
      expect(kept.topics[0]!.partitions).toHaveLength(KEPT_PARTITIONS);
      const stray = readdirSync(dataDir).filter((n) => n.endsWith('-stray'));
      expect(stray.map((n) => n.replace(/\.[0-9a-f]{32}-stray$/, '')).sort()).toEqual(['ghost-0', 'kept-5']);
      for (const dirName of stray) {
        expect(broker.output.join('')).toContain(
          `${dirName}: a partition directory meta.json does not name was set aside`,
        );
      }
    },
    TIMEOUT_MS,
  );
});
