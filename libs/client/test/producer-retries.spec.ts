import { DeleteTopics, ErrorCode } from '@runnel/protocol';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

let broker: TestBroker;
let admin: BrokerConnection;

beforeAll(async () => {
  broker = await startTestBroker({ numPartitions: 2 });
  admin = await rawConnection(broker.bootstrap);
});

afterAll(async () => {
  await admin?.close();
  await broker?.close();
});

describe('Producer retries', () => {
  it('retries after UNKNOWN_TOPIC_OR_PARTITION with fresh metadata: a topic deleted under it is created again and the record lands', async () => {
    await createTopic(admin, 'recreated', 2);
    const { producer, close } = await connectedProducer(broker.bootstrap);
    try {
      const [first] = await producer.send({
        topic: 'recreated',
        messages: [{ value: 'before', partition: 1 }],
      });
      expect(first!.offset).toBe(0n);
      await producer.send({ topic: 'recreated', messages: [{ value: 'again', partition: 1 }] });
      const { responses } = await admin.request(DeleteTopics, {
        topicNames: ['recreated'],
        timeoutMs: 10_000,
      });
      expect(responses[0]!.errorCode).toBe(ErrorCode.NONE);
      // The producer's cache still says the topic is there: the broker answers
      // UNKNOWN_TOPIC_OR_PARTITION, the producer refreshes metadata (which creates the topic
      // again, auto-creation being on) and retries.
      const [after] = await producer.send({
        topic: 'recreated',
        messages: [{ value: 'after', partition: 1 }],
      });
      expect(after).toMatchObject({ partition: 1, offset: 0n });
      const values = (await storedBatches(admin, 'recreated', 1)).flatMap((b) =>
        b.records.map((r) => r.value!.toString()),
      );
      expect(values).toEqual(['after']);
    } finally {
      await close();
    }
  });
});
