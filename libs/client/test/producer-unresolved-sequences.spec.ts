import { DeliveryTimeoutError } from '../src/producer/producer-errors.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';
import { ProduceProxy } from './support/produce-proxy.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const DELIVERY_TIMEOUT_MS = 4000;

let proxy: ProduceProxy;
let broker: TestBroker;
let brokerAddress: string;
let topics = 0;

beforeAll(async () => {
  proxy = new ProduceProxy();
  const proxyPort = await proxy.listen();
  broker = await startTestBroker({
    listeners: 'PLAINTEXT://127.0.0.1:0',
    advertisedListeners: `PLAINTEXT://127.0.0.1:${proxyPort}`,
  });
  proxy.forwardTo(broker.broker.port);
  brokerAddress = `127.0.0.1:${broker.broker.port}`;
});

afterAll(async () => {
  await proxy.close();
  await broker?.close();
});

afterEach(() => {
  proxy.fault = 'pass';
});

async function newTopic(partitions: number): Promise<string> {
  const name = `unresolved-${topics++}`;
  const admin = await rawConnection(brokerAddress);
  try {
    await createTopic(admin, name, partitions);
  } finally {
    await admin.close();
  }
  return name;
}

/** Every value stored in `topic`-`partition`, in offset order, read from the broker directly. */
async function storedValues(topic: string, partition: number): Promise<string[]> {
  return (await storedRecords(topic, partition)).map((r) => r.value);
}

/** Every record stored in `topic`-`partition` with the producer id of its batch. */
async function storedRecords(
  topic: string,
  partition: number,
): Promise<{ value: string; producerId: bigint }[]> {
  const connection = await rawConnection(brokerAddress);
  try {
    const batches = await storedBatches(connection, topic, partition);
    return batches.flatMap((batch) =>
      batch.records.map((record) => ({
        value: record.value!.toString(),
        producerId: batch.header.producerId,
      })),
    );
  } finally {
    await connection.close();
  }
}

/** The producer id that wrote the stored record `value`. */
async function producerIdOf(topic: string, partition: number, value: string): Promise<bigint | undefined> {
  return (await storedRecords(topic, partition)).find((r) => r.value === value)?.producerId;
}

/** Five records `<prefix>0` to `<prefix>4`, for `partition`. */
function values(prefix: string, partition = 0): { value: string; partition: number }[] {
  return Array.from({ length: 5 }, (_, i) => ({ value: `${prefix}${i}`, partition }));
}

/** Lets Produce requests meet the proxy's fault until half of deliveryTimeoutMs has passed since `startMs`. */
async function untilHalfTheDeliveryTimeout(startMs: number): Promise<void> {
  while (Date.now() - startMs < DELIVERY_TIMEOUT_MS / 2) await proxy.nextProduce();
}

function idempotentProducer() {
  return connectedProducer(`127.0.0.1:${proxy.port}`, {
    idempotent: true,
    maxInFlightRequests: 5,
    lingerMs: 0,
    requestTimeoutMs: 1000,
    deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
    retryBackoffMs: 20,
    retryBackoffMaxMs: 200,
  });
}

describe('Idempotent producer: a batch that may be in the log is never numbered again under another producer id', () => {
  it.each([
    ['the same partition', 0],
    ['another partition', 1],
  ])(
    'a batch written with its answer lost is acknowledged once, while an earlier batch expires (%s)',
    async (_where, laterPartition) => {
      const topic = await newTopic(2);
      const { producer, close } = await idempotentProducer();
      try {
        await producer.send({ topic, messages: values('z', 0) });
        // From now on the broker writes every Produce request, and the producer hears of none.
        proxy.fault = 'lose-answer';
        const startMs = Date.now();
        const earlier = producer.send({ topic, messages: values('a', 0) });
        const earlierOutcome = earlier.then(
          () => 'acknowledged',
          (err: unknown) => err,
        );
        await untilHalfTheDeliveryTimeout(startMs);
        const later = producer.send({ topic, messages: values('b', laterPartition) });
        const laterOutcome = later.then(
          () => 'acknowledged',
          (err: unknown) => err,
        );
        expect(await earlierOutcome).toBeInstanceOf(DeliveryTimeoutError);
        proxy.fault = 'pass';
        expect(await laterOutcome).toBe('acknowledged');
        await producer.send({ topic, messages: values('c', 0) });
        await producer.send({ topic, messages: values('d', 1) });
        // Every request reached the broker, so the expired batch is in the log too, once.
        const zabc = ['z', 'a', 'b', 'c'].flatMap((p) => values(p).map((m) => m.value));
        if (laterPartition === 0) {
          expect(await storedValues(topic, 0)).toEqual(zabc);
          expect(await storedValues(topic, 1)).toEqual(values('d').map((m) => m.value));
        } else {
          expect(await storedValues(topic, 0)).toEqual(zabc.filter((v) => !v.startsWith('b')));
          expect(await storedValues(topic, 1)).toEqual([...values('b'), ...values('d')].map((m) => m.value));
        }
        // The later batch's partition never needed another producer id: the retry was recognised.
        const first = await producerIdOf(topic, 0, 'z0');
        expect(await producerIdOf(topic, laterPartition, 'b0')).toBe(first);
        // With a later batch of its own answered, the expired batch's partition learnt it was in
        // the log and goes on under its producer id; with none, it could not, and took a new one.
        if (laterPartition === 0) expect(await producerIdOf(topic, 0, 'c0')).toBe(first);
        else expect(await producerIdOf(topic, 0, 'c0')).not.toBe(first);
      } finally {
        await close();
      }
    },
    30_000,
  );

  it('a batch written but answered NOT_LEADER_OR_FOLLOWER, expired, leaves unresolved sequences: a later batch written likewise is acknowledged once at its own offset', async () => {
    const topic = await newTopic(1);
    const { producer, close } = await idempotentProducer();
    try {
      await producer.send({ topic, messages: values('z', 0) });
      // Every Produce request is written, and answered as if leadership had moved after the append.
      proxy.fault = 'not-leader';
      const startMs = Date.now();
      const earlier = producer.send({ topic, messages: values('a', 0) });
      const earlierOutcome = earlier.then(
        () => 'acknowledged',
        (err: unknown) => err,
      );
      await untilHalfTheDeliveryTimeout(startMs);
      const later = producer.send({ topic, messages: values('b', 0) });
      const laterOutcome = later.then(
        (metadata) => metadata,
        (err: unknown) => err,
      );
      expect(await earlierOutcome).toBeInstanceOf(DeliveryTimeoutError);
      proxy.fault = 'pass';
      // Numbered again under the same producer id from the last acknowledged sequence, the later
      // batch would take the expired one's sequences and be answered with its offset, unwritten.
      const acknowledged = await laterOutcome;
      expect(acknowledged).toEqual(
        values('b', 0).map((_, i) => expect.objectContaining({ offset: BigInt(10 + i) })),
      );
      await producer.send({ topic, messages: values('c', 0) });
      expect(await storedValues(topic, 0)).toEqual(
        ['z', 'a', 'b', 'c'].flatMap((p) => values(p).map((m) => m.value)),
      );
    } finally {
      await close();
    }
  }, 30_000);

  it('a batch behind an expired batch that was never written is refused as out of order, then numbered again and acknowledged', async () => {
    const topic = await newTopic(1);
    const { producer, close } = await idempotentProducer();
    try {
      // The broker knows the producer id on this partition, so it checks its sequences.
      await producer.send({ topic, messages: values('z', 0) });
      proxy.fault = 'drop';
      const startMs = Date.now();
      const earlier = producer.send({ topic, messages: values('a', 0) });
      const earlierOutcome = earlier.then(
        () => 'acknowledged',
        (err: unknown) => err,
      );
      await untilHalfTheDeliveryTimeout(startMs);
      const later = producer.send({ topic, messages: values('b', 0) });
      const laterOutcome = later.then(
        () => 'acknowledged',
        (err: unknown) => err,
      );
      expect(await earlierOutcome).toBeInstanceOf(DeliveryTimeoutError);
      expect(proxy.dropped).toBeGreaterThan(0);
      proxy.fault = 'pass';
      // Under its first producer id the later batch follows a gap the broker never fills; it is
      // not in the log, so it may take the sequences of a new producer id.
      expect(await laterOutcome).toBe('acknowledged');
      await producer.send({ topic, messages: values('c', 0) });
      expect(await storedValues(topic, 0)).toEqual(
        ['z', 'b', 'c'].flatMap((p) => values(p).map((m) => m.value)),
      );
      const first = await producerIdOf(topic, 0, 'z0');
      expect(await producerIdOf(topic, 0, 'b0')).not.toBe(first);
      expect(await producerIdOf(topic, 0, 'c0')).toBe(await producerIdOf(topic, 0, 'b0'));
    } finally {
      await close();
    }
  }, 30_000);
});
