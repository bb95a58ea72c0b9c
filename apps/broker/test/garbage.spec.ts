import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_APIS } from '@runnel/protocol';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess } from '../src/testing/index.js';

const GARBAGE_MS = 3000;
const MiB = 1024 * 1024;

/** One hostile frame: random bytes, an absurd size, an unknown API, or a known API with a random body. */
const hostileFrame = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 100 * MiB + 1, max: 0x7fffffff }).map((size) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(size);
    return b;
  }),
  fc.integer({ min: -0x80000000, max: -1 }).map((size) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(size);
    return b;
  }),
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 0, max: 0x7fff }), fc.constantFrom(...ALL_APIS.map((a) => a.apiKey))),
      fc.integer({ min: -1, max: 20 }),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([apiKey, version, body]) => {
      const frame = Buffer.alloc(14 + body.length);
      frame.writeInt32BE(10 + body.length, 0);
      frame.writeInt16BE(apiKey, 4);
      frame.writeInt16BE(version, 6);
      frame.writeInt32BE(1, 8);
      frame.writeInt16BE(-1, 12);
      Buffer.from(body).copy(frame, 14);
      return frame;
    }),
);

describe('broker under garbage', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await BrokerProcess.start(mkdtempSync(join(tmpdir(), 'runnel-garbage-')));
  });
  afterAll(() => broker.stop('SIGKILL'));

  it('survives random frames for a bounded time, keeps its memory bounded and still serves a real client', async () => {
    const rssBefore = await broker.metric('process_resident_memory_bytes');
    const deadline = Date.now() + GARBAGE_MS;
    let connections = 0;
    const sender = async () => {
      while (Date.now() < deadline) {
        const socket = connect(broker.port, '127.0.0.1');
        // The broker closes many of these connections mid-write (EPIPE, ECONNRESET): expected.
        socket.on('error', () => undefined);
        socket.resume(); // read and drop whatever the broker answers
        const closed = new Promise((resolve) => socket.on('close', resolve));
        await once(socket, 'connect');
        connections++;
        for (const frame of fc.sample(hostileFrame, 20)) socket.write(frame);
        socket.end();
        await closed;
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    expect(connections).toBeGreaterThan(20);

    const rssAfter = await broker.metric('process_resident_memory_bytes');
    expect(rssAfter - rssBefore).toBeLessThan(200 * MiB);
    expect(broker.child.exitCode).toBeNull();

    const admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
    } finally {
      await admin.disconnect();
    }
  }, 30_000);
});
