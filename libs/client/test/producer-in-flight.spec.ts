import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '@runnel/broker/testing';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';

const value = Buffer.alloc(1000, 4);

describe('Producer maxInFlightRequests', () => {
  it('keeps at most maxInFlightRequests Produce requests unanswered on a broker that stopped reading, and sends the rest after', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-in-flight-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'held', 1);
    const { producer, cluster, close } = await connectedProducer(broker.bootstrapServers, {
      maxInFlightRequests: 2,
      batchSize: 4096,
      lingerMs: 0,
    });
    try {
      await producer.send({ topic: 'held', messages: [{ value }] });
      const leader = cluster.leaderFor('held', 0)!;
      const connection = await cluster.connection(leader);
      broker.child.kill('SIGSTOP');
      // 50 batches of about 4 KiB: far more than two requests' worth.
      const sent = producer.send({ topic: 'held', messages: Array.from({ length: 200 }, () => ({ value })) });
      let most = 0;
      for (let i = 0; i < 30; i++) {
        most = Math.max(most, connection.pendingRequests);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(most).toBe(2);
      broker.child.kill('SIGCONT');
      const results = await sent;
      expect(results.map((r) => r.offset)).toEqual(results.map((_, i) => BigInt(i + 1)));
      const batches = await storedBatches(admin, 'held', 0);
      expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(201);
    } finally {
      broker.child.kill('SIGCONT');
      await close();
      await admin.close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
