import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '@runnel/broker/testing';
import { DeliveryTimeoutError } from '../src/producer/producer-errors.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';

describe('Producer deliveryTimeoutMs', () => {
  it('fails records not acknowledged within deliveryTimeoutMs, naming the partition and the limit, then carries on with a new producer id', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-delivery-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'slow', 1);
    const { producer, close } = await connectedProducer(broker.bootstrapServers, {
      lingerMs: 0,
      requestTimeoutMs: 300,
      deliveryTimeoutMs: 1000,
    });
    try {
      await producer.send({ topic: 'slow', messages: [{ value: 'first' }] });
      broker.child.kill('SIGSTOP');
      const started = Date.now();
      const stalled = producer.send({ topic: 'slow', messages: [{ value: 'stalled' }] });
      const error = await stalled.then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(DeliveryTimeoutError);
      expect((error as Error).message).toMatch(
        /^topic 'slow' partition 0: 1 record\(s\) expired, not acknowledged within deliveryTimeoutMs \(1000 ms\)/,
      );
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(5000);
      broker.child.kill('SIGCONT');
      // The stalled batch may or may not have been written; the producer takes a new id so the
      // sequences after it cannot be mistaken for it.
      const [after] = await producer.send({ topic: 'slow', messages: [{ value: 'after' }] });
      const batches = await storedBatches(admin, 'slow', 0);
      const values = batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
      expect(values[0]).toBe('first');
      expect(values.at(-1)).toBe('after');
      expect(after!.offset).toBe(BigInt(values.length - 1));
      expect(batches.at(-1)!.header.producerId).not.toBe(batches[0]!.header.producerId);
      expect(batches.at(-1)!.header.baseSequence).toBe(0);
    } finally {
      broker.child.kill('SIGCONT');
      await close();
      await admin.close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
