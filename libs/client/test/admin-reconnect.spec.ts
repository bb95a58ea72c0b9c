import type { Admin } from '../src/admin/admin.js';
import { Runnel } from '../src/runnel.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

describe('Admin across a broker restart', () => {
  let first: TestBroker;
  let second: TestBroker | undefined;
  let admin: Admin;

  beforeAll(async () => {
    first = await startTestBroker();
    admin = new Runnel({ clientId: 'admin-reconnect', brokers: [first.bootstrap] }).admin({
      retryBackoffMs: 20,
    });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await second?.close();
    await first?.close();
  });

  it('reconnects after the broker restarts on the same address, and finds the topics it created', async () => {
    await admin.createTopics({ topics: [{ topic: 'survivor', numPartitions: 2 }] });
    await first.broker.close();
    second = await startTestBroker({ port: first.broker.port, dataDir: first.dataDir });

    expect(await admin.listTopics()).toContain('survivor');
    const described = await admin.describeTopics({ topics: ['survivor'] });
    expect(described.topics[0]?.partitions.map((p) => p.partition)).toEqual([0, 1]);
  });
});
