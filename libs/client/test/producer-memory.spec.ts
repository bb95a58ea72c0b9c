import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '@runnel/broker/testing';
import { ProducerBlockedTimeoutError } from '../src/producer/producer-errors.js';
import type { RecordMetadata } from '../src/producer/producer-record.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';

const BUFFER_MEMORY = 512 * 1024;
const MAX_BLOCK_MS = 300;
const value = Buffer.alloc(1000, 9);
const messages = Array.from({ length: 100 }, () => ({ value }));

describe('Producer bufferMemory', () => {
  it('keeps what it holds under bufferMemory while the broker is stopped, times out send() after maxBlockMs, and loses nothing it accepted', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-memory-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'stalled', 2);
    const { producer, close } = await connectedProducer(broker.bootstrapServers, {
      bufferMemory: BUFFER_MEMORY,
      maxBlockMs: MAX_BLOCK_MS,
      lingerMs: 0,
    });
    try {
      // The topic's metadata is cached before the broker stops; a topic it does not know yet
      // waits maxBlockMs for metadata instead.
      await producer.send({ topic: 'stalled', messages: [{ value: 'before' }] });
      broker.child.kill('SIGSTOP');
      const unknown = producer.send({ topic: 'never-described', messages: [{ value: 'x' }] });
      await expect(unknown).rejects.toThrow(ProducerBlockedTimeoutError);
      await expect(unknown).rejects.toThrow(
        `topic 'never-described': no metadata for the topic within maxBlockMs (${MAX_BLOCK_MS} ms)`,
      );
      const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
      const accepted: Promise<RecordMetadata[]>[] = [];
      const refused: unknown[] = [];
      let lowestAvailable = BUFFER_MEMORY;
      // 200 calls of 100 KB each, 20 MB in all, 40 times bufferMemory, against a broker that
      // reads nothing.
      for (let call = 0; call < 200; call++) {
        const sent = producer.send({ topic: 'stalled', messages });
        const outcome = await Promise.race([
          sent.then(() => 'done'),
          // Still pending well after maxBlockMs: accepted, and waiting for the stopped broker.
          new Promise((resolve) => setTimeout(resolve, MAX_BLOCK_MS + 200, 'pending')),
        ]).catch((err: unknown) => err);
        if (outcome === 'pending') {
          accepted.push(sent);
        } else if (outcome !== 'done') {
          refused.push(outcome);
        }
        lowestAvailable = Math.min(lowestAvailable, producer.bufferAvailableBytes);
        if (refused.length >= 3) break;
      }
      // The buffer filled up (batches of 16 KiB, 100 KB per call), and never past its size.
      expect(lowestAvailable).toBeGreaterThanOrEqual(0);
      expect(lowestAvailable).toBeLessThan(BUFFER_MEMORY / 4);
      expect(process.memoryUsage().arrayBuffers - arrayBuffersBefore).toBeLessThan(2 * BUFFER_MEMORY);
      expect(refused).toHaveLength(3);
      for (const err of refused) {
        expect(err).toBeInstanceOf(ProducerBlockedTimeoutError);
        expect((err as Error).message).toMatch(
          new RegExp(
            `^topic 'stalled': no room for \\d+ more bytes in bufferMemory \\(${BUFFER_MEMORY} bytes`,
          ),
        );
        expect((err as Error).message).toContain(`within maxBlockMs (${MAX_BLOCK_MS} ms)`);
      }

      broker.child.kill('SIGCONT');
      const results = await Promise.allSettled(accepted);
      await producer.flush();
      const delivered = results
        .filter((r): r is PromiseFulfilledResult<RecordMetadata[]> => r.status === 'fulfilled')
        .reduce((n, r) => n + r.value.length, 0);
      let stored = 0;
      for (const p of [0, 1]) {
        for (const b of await storedBatches(admin, 'stalled', p)) stored += b.records.length;
      }
      // Every record of a call that was not refused is in the log, once; refused calls may have
      // had their first records accepted before they waited.
      expect(delivered).toBeGreaterThan(0);
      expect(stored).toBeGreaterThanOrEqual(delivered + 1);
      expect(stored).toBeLessThanOrEqual(delivered + 1 + 3 * messages.length);
      expect(producer.bufferAvailableBytes).toBe(BUFFER_MEMORY);
    } finally {
      broker.child.kill('SIGCONT');
      await close();
      await admin.close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('with acks 0 holds a batch until its bytes are written to the socket: a stopped broker blocks send() after bufferMemory, and every record of a resolved call arrives intact', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-memory-acks0-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'stalled-acks0', 1);
    const { producer, close } = await connectedProducer(broker.bootstrapServers, {
      acks: 0,
      bufferMemory: BUFFER_MEMORY,
      maxBlockMs: MAX_BLOCK_MS,
      lingerMs: 0,
    });
    // Each record says which call and index it is, and fills the rest with a byte of its own, so
    // a batch whose buffer was reused before it left would arrive with other records' bytes (or
    // fail the broker's CRC check and not arrive at all).
    const recordValue = (call: number, i: number) => {
      const v = Buffer.alloc(1000, (call * 7 + i) % 251);
      v.writeUInt32BE(call, 0);
      v.writeUInt32BE(i, 4);
      return v;
    };
    try {
      await producer.send({ topic: 'stalled-acks0', messages: [{ value: recordValue(0, 0) }] });
      broker.child.kill('SIGSTOP');
      const resolved: number[] = [0];
      const refused: unknown[] = [];
      // 200 calls of 100 KB, 20 MB: more than the kernel's socket buffers (a few MB) and 40 times
      // bufferMemory, to a broker that reads nothing.
      for (let call = 1; call <= 200 && refused.length < 3; call++) {
        const sent = producer.send({
          topic: 'stalled-acks0',
          messages: Array.from({ length: 100 }, (_, i) => ({ value: recordValue(call, i) })),
        });
        const outcome = await Promise.race([
          sent.then(() => 'done'),
          new Promise((resolve) => setTimeout(resolve, MAX_BLOCK_MS + 200, 'pending')),
        ]).catch((err: unknown) => err);
        if (outcome === 'done') resolved.push(call);
        else if (outcome !== 'pending') refused.push(outcome);
      }
      // The kernel's buffers fill, then batches wait for the socket and send() for memory.
      expect(refused).toHaveLength(3);
      for (const err of refused) expect(err).toBeInstanceOf(ProducerBlockedTimeoutError);
      expect(producer.bufferAvailableBytes).toBeLessThan(BUFFER_MEMORY / 4);

      broker.child.kill('SIGCONT');
      await producer.flush();
      expect(producer.bufferAvailableBytes).toBe(BUFFER_MEMORY);
      const expected = 1 + (resolved.length - 1) * 100;
      let stored: Buffer[] = [];
      // acks 0 gives no signal of the broker's appends: read until every resolved record shows.
      for (let attempt = 0; attempt < 200 && stored.length < expected; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25));
        stored = (await storedBatches(admin, 'stalled-acks0', 0)).flatMap((b) =>
          b.records.map((r) => r.value!),
        );
      }
      const intact = new Set(
        stored
          .filter((v) => v.equals(recordValue(v.readUInt32BE(0), v.readUInt32BE(4))))
          .map((v) => `${v.readUInt32BE(0)}/${v.readUInt32BE(4)}`),
      );
      for (const call of resolved) {
        for (let i = 0; i < (call === 0 ? 1 : 100); i++) expect(intact.has(`${call}/${i}`)).toBe(true);
      }
      expect(stored.length).toBeGreaterThanOrEqual(expected);
    } finally {
      broker.child.kill('SIGCONT');
      await close();
      await admin.close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
