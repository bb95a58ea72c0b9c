import { CompressionType } from '@runnel/protocol';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import type { CompressionName } from '../src/producer/producer-options.js';
import {
  connectedProducer,
  consumeWithKafkajs,
  createTopic,
  rawConnection,
  storedBatches,
} from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

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

const messages = Array.from({ length: 300 }, (_, i) => ({
  key: `key-${i % 10}`,
  value: `value ${i} ${'x'.repeat(i % 50)}`,
  headers: { n: String(i) },
}));

async function storedValues(topic: string): Promise<string[]> {
  return (await storedBatches(admin, topic, 0)).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

describe('Producer acks and compression', () => {
  it('acks -1 (the default) is idempotent: batches carry a producer id and consecutive sequences', async () => {
    await createTopic(admin, 'acks-all', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { batchSize: 2048 });
    try {
      await producer.send({ topic: 'acks-all', messages });
      const batches = await storedBatches(admin, 'acks-all', 0);
      expect(batches.length).toBeGreaterThan(3);
      let sequence = 0;
      for (const { header } of batches) {
        expect(header.producerId).toBeGreaterThanOrEqual(0n);
        expect(header.baseSequence).toBe(sequence);
        sequence += header.recordCount;
      }
    } finally {
      await close();
    }
  });

  it('acks 1 is not idempotent unless asked, and answers offsets', async () => {
    await createTopic(admin, 'acks-one', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { acks: 1 });
    try {
      const results = await producer.send({ topic: 'acks-one', messages });
      expect(results.map((r) => r.offset)).toEqual(messages.map((_, i) => BigInt(i)));
      const [first] = await storedBatches(admin, 'acks-one', 0);
      expect(first!.header).toMatchObject({ producerId: -1n, baseSequence: -1 });
    } finally {
      await close();
    }
  });

  it('acks 0 resolves without an answer (offset -1n) and the records still arrive', async () => {
    await createTopic(admin, 'acks-zero', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { acks: 0 });
    try {
      const results = await producer.send({ topic: 'acks-zero', messages });
      expect(results.every((r) => r.offset === -1n && r.partition === 0)).toBe(true);
    } finally {
      await close();
    }
    let values: string[] = [];
    // acks 0 promises nothing about when the broker has appended: wait until it shows.
    for (let i = 0; i < 100 && values.length < messages.length; i++) {
      values = await storedValues('acks-zero');
      if (values.length < messages.length) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(values).toEqual(messages.map((m) => m.value));
  });

  it.each([
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as [CompressionName, CompressionType][])(
    'compresses batches with %s, and the records come back intact',
    async (name, type) => {
      const topic = `compressed-${name}`;
      await createTopic(admin, topic, 1);
      const { producer, close } = await connectedProducer(broker.bootstrap, {
        compression: name,
        batchSize: 4096,
      });
      try {
        await producer.send({ topic, messages });
        const batches = await storedBatches(admin, topic, 0);
        expect(batches.length).toBeGreaterThan(1);
        // Idempotent (the default): sequences run on without a gap, so batches compressed
        // asynchronously (zstd) still left in the order they were sealed.
        let sequence = 0;
        for (const b of batches) {
          expect(b.compression).toBe(type);
          expect(b.header.baseSequence).toBe(sequence);
          sequence += b.header.recordCount;
        }
        const records = batches.flatMap((b) => b.records);
        expect(records.map((r) => r.value!.toString())).toEqual(messages.map((m) => m.value));
        expect(records.map((r) => r.headers[0]!.value!.toString())).toEqual(messages.map((m) => m.headers.n));
      } finally {
        await close();
      }
    },
  );

  it('gzip batches are read back by kafkajs', async () => {
    await createTopic(admin, 'gzip-kafkajs', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { compression: 'gzip' });
    try {
      await producer.send({ topic: 'gzip-kafkajs', messages });
    } finally {
      await close();
    }
    const consumed = await consumeWithKafkajs(broker.bootstrap, 'gzip-kafkajs', messages.length);
    expect(consumed.map((r) => r.value!.toString())).toEqual(messages.map((m) => m.value));
    expect(consumed.map((r) => r.key!.toString())).toEqual(messages.map((m) => m.key));
  }, 30_000);
});
