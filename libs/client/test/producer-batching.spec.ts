import type { BrokerConnection } from '../src/connection/broker-connection.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let admin: BrokerConnection;

beforeAll(async () => {
  broker = await startTestBroker({ httpPort: 0 });
  admin = await rawConnection(broker.bootstrap);
});

afterAll(async () => {
  await admin?.close();
  await broker?.close();
});

/** Produce requests the broker has answered so far (its runnel_requests_total). */
async function produceRequests(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${broker.broker.httpPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('runnel_requests_total{api="Produce"'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function batchesOf(topic: string, partitions: number) {
  const all = [];
  for (let p = 0; p < partitions; p++) all.push(...(await storedBatches(admin, topic, p)));
  return all;
}

const value = Buffer.alloc(100, 3);

describe('Producer batching', () => {
  it('drains the batches of every partition a broker leads into one Produce request', async () => {
    await createTopic(admin, 'one-request', 6);
    const { producer, close } = await connectedProducer(broker.bootstrap, { lingerMs: 60_000 });
    try {
      const before = await produceRequests();
      const sent = producer.send({
        topic: 'one-request',
        messages: Array.from({ length: 60 }, (_, i) => ({ value, partition: i % 6 })),
      });
      await producer.flush();
      await sent;
      expect((await produceRequests()) - before).toBe(1);
      const batches = await batchesOf('one-request', 6);
      expect(batches.map((b) => b.records.length)).toEqual([10, 10, 10, 10, 10, 10]);
    } finally {
      await close();
    }
  });

  it('closes a batch at batchSize, and sends a batch that is not full after lingerMs', async () => {
    await createTopic(admin, 'batch-size', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap, { batchSize: 4096, lingerMs: 20 });
    try {
      const started = Date.now();
      await producer.send({ topic: 'batch-size', messages: Array.from({ length: 100 }, () => ({ value })) });
      const batches = await storedBatches(admin, 'batch-size', 0);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      for (const b of batches.slice(0, -1)) {
        expect(b.header.sizeInBytes).toBeLessThanOrEqual(4096);
        // Full: one more record of ~110 bytes would not have fitted.
        expect(b.header.sizeInBytes).toBeGreaterThan(4096 - 120);
      }
      expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(100);
      // The last batch was not full, so it waited for lingerMs.
      expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    } finally {
      await close();
    }
  });

  it('sticky keyless records fill fewer, fuller batches than round-robin', async () => {
    const perBatch: Record<string, number> = {};
    for (const partitioner of ['sticky', 'round-robin'] as const) {
      const topic = `keyless-${partitioner}`;
      await createTopic(admin, topic, 6);
      const { producer, close } = await connectedProducer(broker.bootstrap, { partitioner, lingerMs: 5 });
      try {
        // One record per send() call, as an application handling requests sends them.
        await Promise.all(Array.from({ length: 600 }, () => producer.send({ topic, value })));
      } finally {
        await close();
      }
      const batches = await batchesOf(topic, 6);
      expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(600);
      perBatch[partitioner] = 600 / batches.length;
      if (partitioner === 'round-robin') {
        // Round-robin spreads every linger window's records over all six partitions.
        for (let p = 0; p < 6; p++) expect((await storedBatches(admin, topic, p)).length).toBeGreaterThan(0);
      }
    }
    // 600 records of ~110 bytes fit 4 sticky batches of 16 KiB; round-robin needs at least 6.
    expect(perBatch.sticky).toBeGreaterThan(100);
    expect(perBatch['round-robin']).toBeLessThanOrEqual(100);
  });

  it('round-robin places keyless records on partitions in turn and keyed ones by murmur2 still', async () => {
    await createTopic(admin, 'turns', 3);
    const { producer, close } = await connectedProducer(broker.bootstrap, { partitioner: 'round-robin' });
    try {
      const keyless = await producer.send({
        topic: 'turns',
        messages: Array.from({ length: 6 }, () => ({ value })),
      });
      expect(keyless.map((r) => r.partition)).toEqual([0, 1, 2, 0, 1, 2]);
      const keyed = await producer.send({
        topic: 'turns',
        messages: [
          { key: 'a', value },
          { key: 'a', value },
        ],
      });
      expect(keyed[0]!.partition).toBe(keyed[1]!.partition);
    } finally {
      await close();
    }
  });

  it('takes a custom partitioner function', async () => {
    await createTopic(admin, 'custom', 4);
    const { producer, close } = await connectedProducer(broker.bootstrap, {
      partitioner: ({ partitionCount, value: v }) => (v === null ? 0 : v.length % partitionCount),
    });
    try {
      const results = await producer.send({
        topic: 'custom',
        messages: [{ value: 'abc' }, { value: 'ab' }, { value: null }],
      });
      expect(results.map((r) => r.partition)).toEqual([3, 2, 0]);
    } finally {
      await close();
    }
  });
});
