import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

/** The README's quick start, run as written against the embedded broker. */
describe('README quick start', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('produces, consumes in a group and reads the group lag back through one Runnel', async () => {
    const runnel = new Runnel({ clientId: 'orders', brokers: [broker.bootstrap] });

    const producer = runnel.producer({ lingerMs: 5 });
    await producer.connect();
    const [sent] = await producer.send({
      topic: 'orders',
      messages: [{ key: 'order-1', value: '{"total":42}', headers: { source: 'web' } }],
    });
    expect(sent).toMatchObject({ topic: 'orders', partition: 0, offset: 0n });

    const consumer = runnel.consumer({ groupId: 'billing' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
    const received = new Promise<{ topic: string; key: string; value: string; source: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          resolve({
            topic,
            key: String(message.key),
            value: String(message.value),
            source: String(message.headers?.source),
          });
        },
      });
    });
    expect(await received).toEqual({ topic: 'orders', key: 'order-1', value: '{"total":42}', source: 'web' });
    await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: 1n }]);

    const admin = runnel.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'invoices', numPartitions: 6 }] })).toBe(true);
    const [orders] = await admin.fetchOffsets({ groupId: 'billing', topics: ['orders'] });
    expect(orders?.partitions).toEqual([
      { partition: 0, offset: 1n, metadata: expect.anything(), logEndOffset: 1n, lag: 0n },
    ]);

    await Promise.all([producer.disconnect(), consumer.disconnect(), admin.disconnect()]);
    expect((await runnel.cluster.connection(1).catch((e) => e)).message).toContain(
      'the client is disconnected',
    );
  });
});
