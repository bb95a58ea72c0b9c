import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey } from '@runnel/protocol';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';

/**
 * @platformatic/kafka 1.35 against this broker. It declares Node 22 and, on Node 20, needs only
 * `Promise.withResolvers`, so the polyfill goes in before the package is loaded. It implements
 * just the recent versions of each API (Metadata v9+, InitProducerId v3+, Produce v7+,
 * CreateTopics v7) and refuses a broker that serves none of them, so these tests fail if a
 * version it needs stops being served.
 */
/** Promise.withResolvers is ES2024 (Node 22); this Node 20 project's types do not have it. */
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
const platformatic = await import('@platformatic/kafka');

const TOPIC = 'orders';
const PARTITIONS = 3;
const KEYS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const PER_KEY = 4;

interface Sent {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** PER_KEY records per key, each with its own value and two headers. */
const SENT: Sent[] = KEYS.flatMap((key) =>
  Array.from({ length: PER_KEY }, (_, i) => ({
    key,
    value: JSON.stringify({ key, seq: i }),
    headers: { source: 'web', seq: String(i) },
  })),
);

describe('@platformatic/kafka', () => {
  let broker: RunningBroker;
  let bootstrapBrokers: string[];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-platformatic-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    bootstrapBrokers = [broker.bootstrapServers];
  });

  afterAll(async () => {
    await broker.close();
  });

  it('creates topics with its admin and lists them', async () => {
    const admin = new platformatic.Admin({ clientId: 'platformatic-admin', bootstrapBrokers });
    try {
      const created = await admin.createTopics({
        topics: [TOPIC, 'payments'],
        partitions: PARTITIONS,
        replicas: 1,
      });
      expect(created.map(({ name, partitions, replicas }) => ({ name, partitions, replicas }))).toEqual([
        { name: TOPIC, partitions: PARTITIONS, replicas: 1 },
        { name: 'payments', partitions: PARTITIONS, replicas: 1 },
      ]);
      expect(created[0]?.configuration['cleanup.policy']).toBe('delete');
      expect((await admin.listTopics()).sort()).toEqual([TOPIC, 'payments']);
      await expect(admin.createTopics({ topics: [TOPIC], partitions: 1, replicas: 1 })).rejects.toThrow();
    } finally {
      await admin.close();
    }
  });

  it('replaces topic configs with its admin (AlterConfigs v2), as kafkajs then describes them', async () => {
    const admin = new platformatic.Admin({ clientId: 'platformatic-admin', bootstrapBrokers });
    const kafkajs = new Kafka({ brokers: bootstrapBrokers, logLevel: logLevel.NOTHING }).admin();
    await kafkajs.connect();
    const replace = (configs: { name: string; value: string }[]) =>
      admin.alterConfigs({ resources: [{ resourceType: 2, resourceName: 'payments', configs }] });
    const described = async () => {
      const { resources } = await kafkajs.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'payments' }],
        includeSynonyms: false,
      });
      return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    };
    try {
      await replace([{ name: 'retention.ms', value: '3600000' }]);
      expect((await described())['retention.ms']).toBe('3600000');
      await replace([{ name: 'segment.ms', value: '600000' }]);
      expect(await described()).toMatchObject({ 'segment.ms': '600000', 'retention.ms': '604800000' });
      await expect(replace([{ name: 'retention.hours', value: '1' }])).rejects.toThrow();
      expect((await described())['segment.ms']).toBe('600000');
    } finally {
      await kafkajs.disconnect();
      await admin.close();
    }
  });

  it('produces keyed records with headers, idempotently, that kafkajs reads back intact', async () => {
    const producer = new platformatic.Producer({
      clientId: 'platformatic-producer',
      bootstrapBrokers,
      serializers: platformatic.stringSerializers,
      idempotent: true,
    });
    let offsets: { topic: string; partition: number; offset: bigint }[];
    try {
      const result = await producer.send({
        messages: SENT.map(({ key, value, headers }) => ({
          topic: TOPIC,
          key,
          value,
          headers: new Map(Object.entries(headers)),
        })),
      });
      offsets = result.offsets ?? [];
    } finally {
      await producer.close();
    }
    // Keyed records land where the Java client's murmur2 puts them, as with every other client.
    expect(new Set(offsets.map(({ partition }) => partition))).toEqual(
      new Set(KEYS.map((key) => partitionForKey(Buffer.from(key), PARTITIONS))),
    );

    const received = await readWithKafkajs(broker.bootstrapServers, SENT.length);
    for (const key of KEYS) {
      const partition = partitionForKey(Buffer.from(key), PARTITIONS);
      // Per key: every record, in the order sent, on the key's partition.
      expect(received.filter((r) => r.key === key)).toEqual(
        SENT.filter((s) => s.key === key).map((s) => ({ ...s, partition })),
      );
    }
  });

  it('consumes them in a group, intact and in order per key, and commits what it read', async () => {
    const consumer = new platformatic.Consumer({
      clientId: 'platformatic-consumer',
      groupId: 'platformatic-readers',
      bootstrapBrokers,
      deserializers: platformatic.stringDeserializers,
      maxWaitTime: 100,
    });
    const received: (Sent & { partition: number })[] = [];
    try {
      const stream = await consumer.consume({
        topics: [TOPIC],
        mode: platformatic.MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      for await (const message of stream) {
        received.push({
          key: message.key,
          value: message.value,
          headers: Object.fromEntries(message.headers),
          partition: message.partition,
        });
        await message.commit();
        if (received.length === SENT.length) break;
      }
      await stream.close();
    } finally {
      await consumer.close();
    }
    for (const key of KEYS) {
      const partition = partitionForKey(Buffer.from(key), PARTITIONS);
      expect(received.filter((r) => r.key === key)).toEqual(
        SENT.filter((s) => s.key === key).map((s) => ({ ...s, partition })),
      );
    }

    // The commits are the group's, as another client sees them: every partition read to its end.
    const kafka = new Kafka({
      clientId: 'kafkajs-admin',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId: 'platformatic-readers', topics: [TOPIC] });
      const ends = await admin.fetchTopicOffsets(TOPIC);
      const byPartition = (rows: { partition: number; offset: string }[]) =>
        Object.fromEntries(rows.map(({ partition, offset }) => [partition, offset]));
      expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));
    } finally {
      await admin.disconnect();
    }
  });
});

/** Reads `count` records of TOPIC from the beginning with a kafkajs group member. */
async function readWithKafkajs(bootstrap: string, count: number): Promise<(Sent & { partition: number })[]> {
  const kafka = new Kafka({ clientId: 'kafkajs-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'kafkajs-reader', maxWaitTimeInMs: 100 });
  const received: (Sent & { partition: number })[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
              ),
              partition,
            });
            if (received.length === count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
