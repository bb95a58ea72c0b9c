import { createRequire } from 'node:module';
import { jsonSerializer, SerializationError, stringSerializer } from '@runnel/protocol';
import { classValidatorSerializer, PayloadValidationError } from '@runnel/protocol/class-validator';
import { IsInt, IsString, Min } from 'class-validator';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import { ProducerClosedError } from '../src/producer/producer-errors.js';
import {
  connectedProducer,
  consumeWithKafkajs,
  createTopic,
  rawConnection,
  storedBatches,
} from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const require = createRequire(import.meta.url);
/** kafkajs's default (Java-compatible) partitioner's murmur2 placement, from its own source. */
const kafkajsDefaultPartitioner = (
  require('kafkajs').Partitioners.DefaultPartitioner as () => (args: object) => number
)();

class OrderPlaced {
  @IsString()
  orderId!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
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

describe('Producer against the embedded broker', () => {
  it('sends records that kafkajs reads back intact: keys, values, headers, partitions, offsets in input order', async () => {
    await createTopic(admin, 'intact', 3);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const messages = Array.from({ length: 50 }, (_, i) => ({
        key: i % 5 === 0 ? null : `key-${i % 7}`,
        value: i % 11 === 0 ? Buffer.from([0, 1, 2, 255]) : `value-${i}`,
        headers: { source: 'spec', index: String(i), raw: Buffer.from([i]) },
      }));
      const results = await producer.send({ topic: 'intact', messages });
      expect(results).toHaveLength(50);
      const consumed = await consumeWithKafkajs(broker.bootstrap, 'intact', 50);
      const byLocation = new Map(consumed.map((r) => [`${r.partition}/${r.offset}`, r]));
      results.forEach((result, i) => {
        expect(result.topic).toBe('intact');
        const record = byLocation.get(`${result.partition}/${result.offset}`);
        expect(record).toBeDefined();
        const m = messages[i]!;
        expect(record!.key?.toString() ?? null).toBe(m.key);
        expect(record!.value).toEqual(Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value));
        expect(record!.headers.source?.toString()).toBe('spec');
        expect(record!.headers.index?.toString()).toBe(String(i));
        expect(record!.headers.raw).toEqual(Buffer.from([i]));
        expect(record!.timestamp).toBe(result.timestamp);
      });
    } finally {
      await close();
    }
  }, 30_000);

  it('gives every record its exact partition and offset when one request carries many partitions of two topics', async () => {
    // Both calls are appended in one turn, so their batches share Produce requests: 12 + 3 batches,
    // more than a response is scanned for, and a few, which it is.
    await createTopic(admin, 'wide-a', 12);
    await createTopic(admin, 'wide-b', 3);
    const { producer, close } = await connectedProducer(broker.bootstrap, { lingerMs: 20 });
    try {
      const wide = Array.from({ length: 120 }, (_, i) => ({ partition: (i * 5) % 12, value: `a-${i}` }));
      const narrow = Array.from({ length: 9 }, (_, i) => ({ partition: i % 3, value: `b-${i}` }));
      const [a, b] = await Promise.all([
        producer.send({ topic: 'wide-a', messages: wide }),
        producer.send({ topic: 'wide-b', messages: narrow }),
      ]);
      for (const [topic, messages, results] of [
        ['wide-a', wide, a],
        ['wide-b', narrow, b],
      ] as const) {
        const consumed = await consumeWithKafkajs(broker.bootstrap, topic, messages.length);
        const byLocation = new Map(consumed.map((r) => [`${r.partition}/${r.offset}`, r.value?.toString()]));
        expect(results.map((r) => r.topic)).toEqual(messages.map(() => topic));
        expect(results.map((r) => r.partition)).toEqual(messages.map((m) => m.partition));
        expect(results.map((r) => byLocation.get(`${r.partition}/${r.offset}`))).toEqual(
          messages.map((m) => m.value),
        );
      }
    } finally {
      await close();
    }
  }, 30_000);

  it('places keyed records on the partition kafkajs default partitioner picks, for many keys', async () => {
    await createTopic(admin, 'keyed', 7);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const keys = Array.from({ length: 500 }, (_, i) => `customer-${i * 7919}`);
      const results = await producer.send({
        topic: 'keyed',
        messages: keys.map((key) => ({ key, value: 'v' })),
      });
      const partitionMetadata = Array.from({ length: 7 }, (_, partitionId) => ({ partitionId, leader: 1 }));
      results.forEach((r, i) => {
        const expected = kafkajsDefaultPartitioner({
          topic: 'keyed',
          partitionMetadata,
          message: { key: keys[i] },
        });
        expect(r.partition).toBe(expected);
      });
      expect(new Set(results.map((r) => r.partition)).size).toBe(7);
    } finally {
      await close();
    }
  });

  it('keeps per-key order across many concurrent send() calls', async () => {
    await createTopic(admin, 'ordered', 4);
    const { producer, close } = await connectedProducer(broker.bootstrap, { batchSize: 2048 });
    try {
      const sends = [];
      for (let call = 0; call < 40; call++) {
        sends.push(
          producer.send({
            topic: 'ordered',
            messages: Array.from({ length: 25 }, (_, i) => ({ key: `k${i % 6}`, value: `${call}:${i}` })),
          }),
        );
      }
      await Promise.all(sends);
      const consumed = await consumeWithKafkajs(broker.bootstrap, 'ordered', 1000);
      consumed.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
      const lastByKey = new Map<string, number>();
      for (const r of consumed) {
        const [call, i] = r.value!.toString().split(':').map(Number) as [number, number];
        const seq = call * 25 + i;
        const key = r.key!.toString();
        expect(seq).toBeGreaterThan(lastByKey.get(key) ?? -1);
        lastByKey.set(key, seq);
      }
      expect(lastByKey.size).toBe(6);
    } finally {
      await close();
    }
  }, 30_000);

  it('sends one record as send(record), honours an explicit partition and timestamp, and null values', async () => {
    await createTopic(admin, 'single', 3);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const [one] = await producer.send({
        topic: 'single',
        key: 'k',
        value: null,
        partition: 2,
        timestamp: 1_600_000_000_000,
      });
      expect(one).toMatchObject({ topic: 'single', partition: 2, offset: 0n, timestamp: 1_600_000_000_000 });
      const [batch] = await storedBatches(admin, 'single', 2);
      expect(batch!.records[0]).toMatchObject({ value: null, timestamp: 1_600_000_000_000n });
      expect(batch!.records[0]!.key!.toString()).toBe('k');
    } finally {
      await close();
    }
  });

  it('uses serializers of the producer, and of one call in its place', async () => {
    await createTopic(admin, 'serialized', 1);
    const { producer, close } = await connectedProducer<string, { total: number }>(broker.bootstrap, {
      keySerializer: stringSerializer,
      valueSerializer: jsonSerializer(),
    });
    try {
      await producer.send({ topic: 'serialized', messages: [{ key: 'order-1', value: { total: 42 } }] });
      await producer.send({
        topic: 'serialized',
        messages: [{ key: 'order-2', value: 'raw text' }],
        valueSerializer: {
          serialize: (v: string | null) => (v === null ? null : Buffer.from(v.toUpperCase())),
        },
      });
      const records = (await storedBatches(admin, 'serialized', 0)).flatMap((b) => b.records);
      expect(records.map((r) => r.value!.toString())).toEqual(['{"total":42}', 'RAW TEXT']);
    } finally {
      await close();
    }
  });

  it('checks values with the class-validator serializer: valid ones are sent as JSON, invalid ones refused listing the violations', async () => {
    await createTopic(admin, 'validated', 1);
    const { producer, close } = await connectedProducer<string, OrderPlaced>(broker.bootstrap, {
      valueSerializer: classValidatorSerializer(OrderPlaced),
    });
    try {
      await producer.send({ topic: 'validated', messages: [{ value: { orderId: 'o-1', quantity: 2 } }] });
      const invalid = producer.send({
        topic: 'validated',
        messages: [{ value: { orderId: 'o-2', quantity: 0 } }],
      });
      await expect(invalid).rejects.toThrow(PayloadValidationError);
      await expect(invalid).rejects.toThrow(/quantity/);
      const values = (await storedBatches(admin, 'validated', 0)).flatMap((b) =>
        b.records.map((r) => r.value!.toString()),
      );
      expect(values).toEqual(['{"orderId":"o-1","quantity":2}']);
    } finally {
      await close();
    }
  });

  it('refuses a call whose serializer throws, with a SerializationError naming the topic, and sends the others', async () => {
    await createTopic(admin, 'bad-serializer', 1);
    const { producer, close } = await connectedProducer<string, string>(broker.bootstrap, {
      valueSerializer: {
        serialize: (v) => {
          if (v === 'poison') throw new Error('cannot serialize poison');
          return v === null ? null : Buffer.from(v);
        },
      },
    });
    try {
      const good = producer.send({ topic: 'bad-serializer', messages: [{ value: 'a' }, { value: 'b' }] });
      const bad = producer.send({ topic: 'bad-serializer', messages: [{ value: 'c' }, { value: 'poison' }] });
      await expect(bad).rejects.toThrow(SerializationError);
      await expect(bad).rejects.toThrow(
        "topic 'bad-serializer': messages[1].value: the serializer threw: cannot serialize poison",
      );
      expect(await good).toHaveLength(2);
      await producer.flush();
      const values = (await storedBatches(admin, 'bad-serializer', 0)).flatMap((b) =>
        b.records.map((r) => r.value!.toString()),
      );
      expect(values).toEqual(['a', 'b']);
    } finally {
      await close();
    }
  });

  it('flushes on disconnect, then refuses send() with ProducerClosedError', async () => {
    await createTopic(admin, 'closing', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { lingerMs: 10_000 });
    const pending = producer.send({ topic: 'closing', messages: [{ value: 'last words' }] });
    await close();
    expect(await pending).toHaveLength(1);
    await expect(producer.send({ topic: 'closing', messages: [{ value: 'too late' }] })).rejects.toThrow(
      ProducerClosedError,
    );
    await expect(producer.send({ topic: 'closing', messages: [{ value: 'too late' }] })).rejects.toThrow(
      'producer is disconnected: send() refused',
    );
  });
});
