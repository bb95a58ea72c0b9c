import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '@runnel/broker/testing';
import type { RecordBatch } from '@runnel/protocol';
import type { Producer } from '../src/producer/producer.js';
import type { RecordMetadata } from '../src/producer/producer-record.js';
import { connectedProducer, createTopic, rawConnection, storedBatches } from './producer-support.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const PARTITIONS = 3;
const KEYS = 12;
const RECORDS_PER_SEND = 40;
const SENDS_IN_FLIGHT = 6;

/**
 * Keeps SENDS_IN_FLIGHT send() calls of keyed records outstanding until `stop()`; every value is
 * `<key>:<n>` with n counting up per key, so order and duplicates can be checked per key.
 */
function keepProducing(producer: Producer, topic: string) {
  const next = new Array<number>(KEYS).fill(0);
  const acknowledged: RecordMetadata[] = [];
  const sent: string[] = [];
  let stopped = false;
  let sends = 0;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const messages = Array.from({ length: RECORDS_PER_SEND }, (_, i) => {
        const key = (sends * 7 + i) % KEYS;
        const value = `k${key}:${next[key]!++}`;
        sent.push(value);
        return { key: `k${key}`, value };
      });
      sends++;
      acknowledged.push(...(await producer.send({ topic, messages })));
    }
  };
  const workers = Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
  return {
    acknowledged,
    sent,
    stop: async () => {
      stopped = true;
      await workers;
    },
  };
}

/** Every value of every partition, checked: no duplicate, per key in order, sequences contiguous per producer id. */
function checkLog(partitions: RecordBatch[][], sent: readonly string[]): void {
  const seen = new Set<string>();
  for (const batches of partitions) {
    const lastByKey = new Map<string, number>();
    const nextSequence = new Map<bigint, number>();
    for (const batch of batches) {
      const { producerId, baseSequence, recordCount } = batch.header;
      expect(producerId).toBeGreaterThanOrEqual(0n);
      const expected = nextSequence.get(producerId);
      if (expected !== undefined) expect(baseSequence).toBe(expected);
      nextSequence.set(producerId, baseSequence + recordCount);
      for (const record of batch.records) {
        const value = record.value!.toString();
        expect(seen.has(value)).toBe(false);
        seen.add(value);
        const [key, n] = value.split(':') as [string, string];
        expect(Number(n)).toBeGreaterThan(lastByKey.get(key) ?? -1);
        lastByKey.set(key, Number(n));
      }
    }
  }
  // Nothing acknowledged or sent is missing: every send() succeeded, so the log holds all of it.
  expect(seen.size).toBe(sent.length);
}

async function readAll(bootstrap: string, topic: string): Promise<RecordBatch[][]> {
  const connection = await rawConnection(bootstrap);
  try {
    const partitions = [];
    for (let p = 0; p < PARTITIONS; p++) partitions.push(await storedBatches(connection, topic, p));
    return partitions;
  } finally {
    await connection.close();
  }
}

async function waitForAcknowledged(progress: { acknowledged: unknown[] }, count: number): Promise<void> {
  while (progress.acknowledged.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Idempotent producer across broker restarts', () => {
  it('neither loses, duplicates nor reorders when the embedded broker is closed and restarted on its port and data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-idempotence-'));
    let broker: TestBroker = await startTestBroker({ dataDir });
    const port = broker.broker.port;
    const admin = await rawConnection(broker.bootstrap);
    await createTopic(admin, 'restarted', PARTITIONS);
    await admin.close();
    const { producer, close } = await connectedProducer(broker.bootstrap, { lingerMs: 1 });
    try {
      const progress = keepProducing(producer, 'restarted');
      await waitForAcknowledged(progress, 2000);
      await broker.close();
      broker = await startTestBroker({ dataDir, port });
      const acknowledgedAtRestart = progress.acknowledged.length;
      await waitForAcknowledged(progress, acknowledgedAtRestart + 2000);
      await progress.stop();
      await producer.flush();
      checkLog(await readAll(broker.bootstrap, 'restarted'), progress.sent);
    } finally {
      await close();
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('neither loses, duplicates nor reorders when a broker process is SIGKILLed mid-produce and restarted', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-idempotence-kill-'));
    let broker = await BrokerProcess.start(dataDir);
    const port = broker.port;
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'killed', PARTITIONS);
    await admin.close();
    const { producer, close } = await connectedProducer(broker.bootstrapServers, { lingerMs: 1 });
    try {
      const progress = keepProducing(producer, 'killed');
      await waitForAcknowledged(progress, 2000);
      // Requests are in flight now: some are written and unanswered when the process dies.
      await broker.stop('SIGKILL');
      broker = await BrokerProcess.start(dataDir, ['--port', String(port)]);
      const acknowledgedAtRestart = progress.acknowledged.length;
      await waitForAcknowledged(progress, acknowledgedAtRestart + 2000);
      await progress.stop();
      await producer.flush();
      checkLog(await readAll(broker.bootstrapServers, 'killed'), progress.sent);
    } finally {
      await close();
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('does not write a batch twice when its request timed out but the broker wrote it (SIGSTOP past requestTimeoutMs)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-idempotence-stop-'));
    const broker = await BrokerProcess.start(dataDir);
    const admin = await rawConnection(broker.bootstrapServers);
    await createTopic(admin, 'stalled', PARTITIONS);
    await admin.close();
    const { producer, close } = await connectedProducer(broker.bootstrapServers, {
      lingerMs: 1,
      requestTimeoutMs: 1000,
    });
    try {
      const progress = keepProducing(producer, 'stalled');
      await waitForAcknowledged(progress, 2000);
      // Requests sent now reach the stopped broker's socket; the producer gives up on them after
      // requestTimeoutMs and sends them again, while the broker, resumed, writes the first copies.
      broker.child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      broker.child.kill('SIGCONT');
      const acknowledgedAtResume = progress.acknowledged.length;
      await waitForAcknowledged(progress, acknowledgedAtResume + 2000);
      await progress.stop();
      await producer.flush();
      checkLog(await readAll(broker.bootstrapServers, 'stalled'), progress.sent);
    } finally {
      await close();
      broker.child.kill('SIGCONT');
      await broker.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
