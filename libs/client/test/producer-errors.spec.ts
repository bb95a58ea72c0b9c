import { ErrorCode, KafkaError } from '@runnel/protocol';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import { RecordTooLargeError, UnknownTopicError } from '../src/producer/producer-errors.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let admin: BrokerConnection;

beforeAll(async () => {
  broker = await startTestBroker({ autoCreateTopicsEnable: false });
  admin = await rawConnection(broker.bootstrap);
});

afterAll(async () => {
  await admin?.close();
  await broker?.close();
});

describe('Producer errors', () => {
  it('refuses a topic that does not exist when the broker does not create topics, naming it', async () => {
    await createTopic(admin, 'exists', 1);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const missing = producer.send({ topic: 'no-such-topic', messages: [{ value: 'x' }] });
      const fine = producer.send({ topic: 'exists', messages: [{ value: 'y' }] });
      await expect(missing).rejects.toThrow(UnknownTopicError);
      await expect(missing).rejects.toThrow(/topic 'no-such-topic' does not exist and was not created/);
      expect(await fine).toMatchObject([{ topic: 'exists', partition: 0, offset: 0n }]);
    } finally {
      await close();
    }
  });

  it('refuses a record over maxRequestSize before it is sent, naming the topic, the partition and the limit', async () => {
    await createTopic(admin, 'request-size', 2);
    const { producer, close } = await connectedProducer(broker.bootstrap, { maxRequestSize: 10_000 });
    try {
      const tooLarge = producer.send({
        topic: 'request-size',
        messages: [{ value: 'ok' }, { value: Buffer.alloc(20_000), partition: 1 }],
      });
      await expect(tooLarge).rejects.toThrow(RecordTooLargeError);
      await expect(tooLarge).rejects.toThrow(
        /topic 'request-size' partition 1: a record of 200\d\d bytes is larger than maxRequestSize \(10000 bytes\)/,
      );
      await producer.send({ topic: 'request-size', messages: [{ value: 'after', partition: 0 }] });
      const values = (await storedBatches(admin, 'request-size', 0)).flatMap((b) =>
        b.records.map((r) => r.value!.toString()),
      );
      // The refused call sent nothing, not even its small record.
      expect(values).toEqual(['after']);
    } finally {
      await close();
    }
  });

  it("fails only the record over the topic's max.message.bytes; records batched with it are split off and delivered", async () => {
    await createTopic(admin, 'message-size', 1, { 'max.message.bytes': '2000' });
    const { producer, close } = await connectedProducer(broker.bootstrap, { lingerMs: 50 });
    try {
      const before = producer.send({ topic: 'message-size', messages: [{ value: 'a' }, { value: 'b' }] });
      const large = producer.send({ topic: 'message-size', messages: [{ value: Buffer.alloc(3000, 1) }] });
      const after = producer.send({ topic: 'message-size', messages: [{ value: 'c' }] });
      const error = await large.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KafkaError);
      expect((error as KafkaError).code).toBe(ErrorCode.MESSAGE_TOO_LARGE);
      expect((error as Error).message).toMatch(
        /^topic 'message-size' partition 0: MESSAGE_TOO_LARGE \(10\): .*larger than max.message.bytes \(2000\)/,
      );
      const offsets = [...(await before), ...(await after)].map((r) => r.offset);
      expect(offsets).toEqual([0n, 1n, 2n]);
      const values = (await storedBatches(admin, 'message-size', 0)).flatMap((b) =>
        b.records.map((r) => r.value!.toString()),
      );
      expect(values).toEqual(['a', 'b', 'c']);
    } finally {
      await close();
    }
  });

  it('refuses an explicit partition the topic does not have, sending nothing of the call', async () => {
    await createTopic(admin, 'two-partitions', 2);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      await expect(
        producer.send({
          topic: 'two-partitions',
          messages: [
            { value: 'x', partition: 0 },
            { value: 'y', partition: 5 },
          ],
        }),
      ).rejects.toThrow(
        "topic 'two-partitions': messages[1].partition is 5, outside [0, 1] (the topic has 2 partitions)",
      );
      await producer.flush();
      expect(await storedBatches(admin, 'two-partitions', 0)).toEqual([]);
    } finally {
      await close();
    }
  });
});
