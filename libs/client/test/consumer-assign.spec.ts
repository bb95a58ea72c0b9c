import { once } from 'node:events';
import { CompressionType, encodeRecordBatch, Produce } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerConnection } from '../src/connection/broker-connection.js';
import type { Consumer } from '../src/consumer/consumer.js';
import {
  ConsumerConfigError,
  HandlerError,
  NoOffsetForPartitionError,
  UnknownTopicOrPartitionError,
} from '../src/consumer/consumer-errors.js';
import type { ConsumerMessage } from '../src/consumer/consumer-message.js';
import type { ConsumerOptions } from '../src/consumer/consumer-options.js';
import { consumerFor, deferred, Progress } from './consumer-helpers.js';
import { parseBootstrap, startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let kafka: Kafka;
let topicCount = 0;
/** Consumers of any key and value types, disconnected after each test. */
const open: Pick<Consumer<unknown, unknown>, 'disconnect'>[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({
    clientId: 'consumer-assign-spec',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
});

afterAll(async () => {
  await broker.close();
});

async function newTopic(partitions = 1): Promise<string> {
  const topic = `assign-${++topicCount}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** Produces with kafkajs (so the oracle is not our own producer): one send per call, acks -1. */
async function produce(
  topic: string,
  messages: {
    key?: string | null;
    value: string | null;
    partition?: number;
    headers?: Record<string, string>;
    timestamp?: string;
  }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function connected<K = Buffer | null, V = Buffer | null>(
  options: ConsumerOptions<K, V> = {},
): Promise<Consumer<K, V>> {
  const consumer = consumerFor<K, V>(broker.bootstrap, { maxWaitMs: 50, ...options });
  open.push(consumer);
  await consumer.connect();
  return consumer;
}

const text = (b: Buffer | null) => (b === null ? null : b.toString());

describe('Consumer in assign mode', () => {
  it('reads every record in order with the offsets, keys, values, headers and timestamps kafkajs wrote', async () => {
    const topic = await newTopic(2);
    const written = Array.from({ length: 40 }, (_, i) => ({
      key: i % 5 === 0 ? null : `k${i}`,
      value: i === 7 ? null : `v${i}`,
      partition: i % 2,
      headers: { seq: String(i), source: 'kafkajs' },
      timestamp: String(1_700_000_000_000 + i),
    }));
    await produce(topic, written.slice(0, 20));
    await produce(topic, written.slice(20));

    const consumer = await connected();
    consumer.assign([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 0n },
    ]);
    const seen = new Map<number, ConsumerMessage[]>([
      [0, []],
      [1, []],
    ]);
    const all = deferred();
    await consumer.run({
      // Both partitions at once: each must still come in offset order.
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ partition, message }) => {
        seen.get(partition)!.push(message);
        await new Promise((resolve) => setImmediate(resolve)); // let the other partition interleave
        if (seen.get(0)!.length + seen.get(1)!.length === written.length) all.resolve();
      },
    });
    await all.promise;
    for (const partition of [0, 1]) {
      const expected = written.filter((w) => w.partition === partition);
      const got = seen.get(partition)!;
      expect(got.map((m) => m.offset)).toEqual(expected.map((_, i) => BigInt(i)));
      expect(got.map((m) => text(m.key as Buffer | null))).toEqual(expected.map((w) => w.key));
      expect(got.map((m) => text(m.value as Buffer | null))).toEqual(expected.map((w) => w.value));
      expect(got.map((m) => m.timestamp)).toEqual(expected.map((w) => Number(w.timestamp)));
      expect(got.map((m) => text(m.headers.seq as Buffer))).toEqual(expected.map((w) => w.headers.seq));
      expect(got.every((m) => text(m.headers.source as Buffer) === 'kafkajs')).toBe(true);
    }
  });

  it('starts from an offset in the middle of a batch', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 6n }]);
    const values: string[] = [];
    const done = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(text(message.value)!);
        if (message.offset === 9n) done.resolve();
      },
    });
    await done.promise;
    expect(values).toEqual(['v6', 'v7', 'v8', 'v9']);
  });

  it.each([
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ])('reads %s-compressed batches, from an offset inside one', async (_name, compression) => {
    const topic = await newTopic();
    const connection = await BrokerConnection.connect(parseBootstrap(broker.bootstrap), {
      clientId: 'consumer-assign-spec',
      connectTimeoutMs: 5000,
      requestTimeoutMs: 5000,
    });
    for (let b = 0; b < 3; b++) {
      const records = await encodeRecordBatch({
        compression,
        records: Array.from({ length: 50 }, (_, i) => ({
          key: Buffer.from(`k${b * 50 + i}`),
          value: Buffer.from(`value ${b * 50 + i} `.repeat(8)),
          timestamp: 1_700_000_000_000 + i,
        })),
      });
      const response = await connection.request(Produce, {
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
      });
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    await connection.close();

    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 25n }]);
    const keys: string[] = [];
    const done = deferred();
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) keys.push(text(m.key)!);
        if (batch.lastOffset() === 149n) done.resolve();
      },
    });
    await done.promise;
    expect(keys).toEqual(Array.from({ length: 125 }, (_, i) => `k${i + 25}`));
  });

  it('resets an offset out of range to the earliest with autoOffsetReset earliest', async () => {
    const topic = await newTopic();
    await produce(topic, [{ value: 'a' }, { value: 'b' }]);
    const consumer = await connected({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic, partition: 0, offset: 1000n }]);
    const offsets: bigint[] = [];
    const done = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        offsets.push(message.offset);
        if (offsets.length === 2) done.resolve();
      },
    });
    await done.promise;
    expect(offsets).toEqual([0n, 1n]);
  });

  it('resets an offset out of range to the end with autoOffsetReset latest, then reads what comes after', async () => {
    const topic = await newTopic();
    await produce(topic, [{ value: 'old-1' }, { value: 'old-2' }]);
    const consumer = await connected({ autoOffsetReset: 'latest' });
    consumer.assign([{ topic, partition: 0, offset: 1000n }]);
    const values: string[] = [];
    const got = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(text(message.value)!);
        got.resolve();
      },
    });
    // The position is found once run() resolves; a record produced now comes after it.
    await produce(topic, [{ value: 'new' }]);
    await got.promise;
    expect(values).toEqual(['new']);
  });

  it('stops with NoOffsetForPartitionError when the offset is out of range and autoOffsetReset is none', async () => {
    const topic = await newTopic();
    await produce(topic, [{ value: 'a' }]);
    const consumer = await connected({ autoOffsetReset: 'none' });
    consumer.assign([{ topic, partition: 0, offset: 50n }]);
    const crashed = once(consumer, 'crash');
    await consumer.run({ eachMessage: async () => undefined });
    const [{ error }] = await crashed;
    expect(error).toBeInstanceOf(NoOffsetForPartitionError);
    expect(error.message).toContain(`topic '${topic}' partition 0`);
  });

  it('hands eachBatch whole batches with their high watermark, and resolveOffset-only progress without auto resolve', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 12 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    const done = deferred<{ hw: bigint; count: number; uncommitted: bigint | undefined }>();
    let count = 0;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, uncommittedOffsets }) => {
        count += batch.messages.length;
        expect(batch.firstOffset()).toBe(batch.messages[0]!.offset);
        resolveOffset(batch.messages[4]!.offset);
        done.resolve({ hw: batch.highWatermark, count, uncommitted: uncommittedOffsets()[0]?.offset });
      },
    });
    const { hw, count: handed, uncommitted } = await done.promise;
    expect(hw).toBe(12n);
    expect(handed).toBe(12);
    expect(uncommitted).toBe(5n);
  });

  it('keeps fetching a fast partition while a slow partition’s handler is stuck', async () => {
    const topic = await newTopic(2);
    const perPartition = 30;
    await produce(
      topic,
      Array.from({ length: perPartition * 2 }, (_, i) => ({
        value: `value-${i}`.padEnd(200, '.'),
        partition: i % 2,
      })),
    );
    // Small fetches: partition 1 needs many Fetch round trips while partition 0 stays blocked.
    const consumer = await connected({ maxPartitionFetchBytes: 512 });
    consumer.assign([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 0n },
    ]);
    const release = deferred();
    const fastDone = deferred();
    const events: string[] = [];
    const progress = new Progress();
    let fast = 0;
    let slow = 0;
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ partition }) => {
        if (partition === 0) {
          if (slow === 0) await release.promise;
          slow++;
          if (slow === perPartition) events.push('slow done');
          progress.notify();
          return;
        }
        fast++;
        if (fast === perPartition) {
          events.push(`fast done while slow had ${slow}`);
          fastDone.resolve();
        }
      },
    });
    await fastDone.promise;
    release.resolve();
    await progress.until(() => slow === perPartition);
    expect(events).toEqual(['fast done while slow had 0', 'slow done']);
  });

  it('hands nothing of a paused partition over until it is resumed, while others go on', async () => {
    const topic = await newTopic(2);
    await produce(topic, [
      { value: 'p0-a', partition: 0 },
      { value: 'p1-a', partition: 1 },
    ]);
    const consumer = await connected();
    consumer.assign([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 0n },
    ]);
    const seen: string[] = [];
    const progress = new Progress();
    const gotP1b = deferred();
    const gotP0 = deferred();
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push(text(message.value)!);
        if (text(message.value) === 'p1-b') gotP1b.resolve();
        if (partition === 0) gotP0.resolve();
        progress.notify();
      },
    });
    consumer.pause([{ topic, partitions: [0] }]);
    expect(consumer.paused()).toEqual([{ topic, partition: 0 }]);
    await produce(topic, [{ value: 'p1-b', partition: 1 }]);
    await gotP1b.promise;
    // p0-a may have been handed over before pause() took effect; nothing of partition 0 after it.
    const p0BeforeResume = seen.filter((v) => v.startsWith('p0'));
    await produce(topic, [{ value: 'p0-b', partition: 0 }]);
    await produce(topic, [{ value: 'p1-c', partition: 1 }]);
    await progress.until(() => seen.includes('p1-c'));
    expect(seen.filter((v) => v.startsWith('p0'))).toEqual(p0BeforeResume);
    consumer.resume([{ topic }]);
    await progress.until(() => seen.includes('p0-b'));
    await gotP0.promise;
    expect(seen.filter((v) => v.startsWith('p0'))).toEqual(['p0-a', 'p0-b']);
  });

  it('seek() moves the position: the next records start at the offset sought', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    const offsets: bigint[] = [];
    const progress = new Progress();
    const firstPass = deferred();
    await consumer.run({
      eachMessage: async ({ message }) => {
        offsets.push(message.offset);
        if (offsets.length === 6) firstPass.resolve();
        progress.notify();
      },
    });
    await firstPass.promise;
    consumer.seek({ topic, partition: 0, offset: 3n });
    await progress.until(() => offsets.length === 9);
    expect(offsets).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 3n, 4n, 5n]);
  });

  it('reports a throwing handler with the crash event and hands over nothing after it', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    const handled: bigint[] = [];
    const crashed = once(consumer, 'crash');
    await consumer.run({
      eachMessage: async ({ message }) => {
        handled.push(message.offset);
        if (message.offset === 2n) throw new Error('bad record');
      },
    });
    const [{ error }] = await crashed;
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).offset).toBe(2n);
    expect((error as HandlerError).cause).toEqual(new Error('bad record'));
    expect(handled).toEqual([0n, 1n, 2n]);
  });

  it('disconnect() lets the running handler finish before it resolves, and hands over nothing more', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    const inHandler = deferred();
    const release = deferred();
    const order: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        order.push(`start ${message.offset}`);
        if (message.offset === 1n) {
          inHandler.resolve();
          await release.promise;
        }
        order.push(`end ${message.offset}`);
      },
    });
    await inHandler.promise;
    const disconnected = consumer.disconnect().then(() => order.push('disconnected'));
    setImmediate(() => release.resolve());
    await disconnected;
    expect(order).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'disconnected']);
  });

  it('serves the batches as an async iterator', async () => {
    const topic = await newTopic();
    await produce(
      topic,
      Array.from({ length: 8 }, (_, i) => ({ value: `v${i}` })),
    );
    const consumer = await connected();
    consumer.assign([{ topic, partition: 0, offset: 0n }]);
    const values: string[] = [];
    for await (const batch of consumer.batches()) {
      for (const m of batch.messages) values.push(text(m.value)!);
      if (values.length === 8) break;
    }
    expect(values).toEqual(Array.from({ length: 8 }, (_, i) => `v${i}`));
  });

  it('refuses a topic or partition the cluster does not have, naming it, and can run again after', async () => {
    const topic = await newTopic(2);
    await produce(topic, [{ value: 'only', partition: 1 }]);
    const consumer = await connected();
    consumer.assign([{ topic: 'no-such-topic', partition: 0, offset: 0n }]);
    const handler = { eachMessage: async () => undefined };
    await expect(consumer.run(handler)).rejects.toThrow(UnknownTopicOrPartitionError);
    await expect(consumer.run(handler)).rejects.toThrow(
      "topic 'no-such-topic' partition 0: the topic does not exist",
    );
    consumer.assign([{ topic, partition: 5, offset: 0n }]);
    await expect(consumer.run(handler)).rejects.toThrow(
      `topic '${topic}' partition 5: the topic has 2 partition(s), 0 to 1`,
    );

    consumer.assign([{ topic, partition: 1, offset: 0n }]);
    const got = deferred<string>();
    await consumer.run({ eachMessage: async ({ message }) => got.resolve(text(message.value)!) });
    expect(await got.promise).toBe('only');
  });

  it('refuses bad arguments with a ConsumerConfigError naming the field and the value', async () => {
    const consumer = await connected();
    expect(() => consumer.assign([{ topic: 't', partition: -1 }])).toThrow(
      'consumer option assign[].partition = -1: must be a non-negative integer',
    );
    expect(() => consumer.assign([{ topic: 't', partition: 0, offset: -5n }])).toThrow(ConsumerConfigError);
    expect(() => consumerFor(broker.bootstrap, { maxWaitMs: -1 })).toThrow(
      'consumer option maxWaitMs = -1: must be an integer from 0 to 2147483647',
    );
    expect(() => consumerFor(broker.bootstrap, { autoOffsetReset: 'smallest' as never })).toThrow(
      `consumer option autoOffsetReset = "smallest": must be one of 'earliest', 'latest', 'none'`,
    );
    consumer.assign([{ topic: 't', partition: 0 }]);
    await expect(consumer.run({} as never)).rejects.toThrow('needs exactly one of eachMessage and eachBatch');
  });

  it('goes on where it was after the broker restarts, without skipping or repeating a record', async () => {
    const own = await startTestBroker();
    const port = own.broker.port;
    const ownKafka = new Kafka({ clientId: 'restart', brokers: [own.bootstrap], logLevel: logLevel.NOTHING });
    const admin = ownKafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'restart' }], waitForLeaders: true });
    await admin.disconnect();
    const send = async (kafkaClient: Kafka, values: string[]) => {
      const producer = kafkaClient.producer();
      await producer.connect();
      await producer.send({ topic: 'restart', messages: values.map((value) => ({ value })) });
      await producer.disconnect();
    };
    await send(ownKafka, ['a', 'b', 'c']);
    const consumer = consumerFor(own.bootstrap, { maxWaitMs: 50, retryBackoffMs: 20 });
    open.push(consumer);
    await consumer.connect();
    consumer.assign([{ topic: 'restart', partition: 0, offset: 0n }]);
    const seen: string[] = [];
    const progress = new Progress();
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(`${message.offset}:${text(message.value)}`);
        progress.notify();
      },
    });
    await progress.until(() => seen.length === 3);
    await own.broker.close();
    const again = await startTestBroker({ port, dataDir: own.dataDir });
    try {
      await send(new Kafka({ clientId: 'restart', brokers: [again.bootstrap], logLevel: logLevel.NOTHING }), [
        'd',
        'e',
      ]);
      await progress.until(() => seen.length >= 5);
      expect(seen).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e']);
    } finally {
      await consumer.disconnect();
      await again.close();
    }
  });
});
