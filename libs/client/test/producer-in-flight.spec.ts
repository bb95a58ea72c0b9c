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

  it('writes the request a response made room for before the send() that response completed resumes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-in-flight-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'refilled', 1);
    // One request at a time, and batches too small for two records: the second record waits in
    // its own batch for the first one's request to be answered.
    const { producer, cluster, close } = await connectedProducer(broker.bootstrapServers, {
      maxInFlightRequests: 1,
      batchSize: 1024,
      lingerMs: 0,
    });
    try {
      await producer.send({ topic: 'refilled', messages: [{ value }] });
      const connection = await cluster.connection(cluster.leaderFor('refilled', 0)!);
      const first = producer.send({ topic: 'refilled', messages: [{ value }] });
      const second = producer.send({ topic: 'refilled', messages: [{ value }] });
      const [firstResult] = await first;
      // The second record's request is written already, not at a later turn of the loop.
      expect(connection.pendingRequests).toBe(1);
      const [secondResult] = await second;
      expect([firstResult?.offset, secondResult?.offset]).toEqual([1n, 2n]);
    } finally {
      await close();
      await admin.close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
