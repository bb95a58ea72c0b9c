import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiVersions,
  decodeResponseFrame,
  ErrorCode,
  encodeRecordBatch,
  encodeRequestFrame,
  Fetch,
  FRAME_SIZE_PREFIX,
  type InputOf,
  Produce,
  type RequestOf,
} from '@runnel/protocol';
import { BrokerProcess } from '../src/testing/index.js';
import { PipelinedConnection } from './support/pipelined-connection.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const MiB = 1024 * 1024;
/** The bound the README's Limits section states for this load with the default limits. */
const RSS_BOUND_MIB = 640;
const CONNECTIONS = 500;
const LONG_POLLS_PER_CONNECTION = 100;
const LONG_POLL_MS = 1000;
const PRODUCERS = 40;
const FRAMES_PER_PRODUCER = 1;
const PRODUCE_FRAME_MIB = 32;

/** Peak resident set size of a process, from Linux's /proc (VmHWM: the high-water mark). */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!kib) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib[1]) / 1024;
}

function longPoll(topic: string): InputOf<RequestOf<typeof Fetch>> {
  return {
    replicaId: -1,
    maxWaitMs: LONG_POLL_MS,
    minBytes: 1,
    maxBytes: MiB,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: MiB }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Bytes before a request header's correlation id: size, API key, version. */
const CORRELATION_ID_AT = FRAME_SIZE_PREFIX + 4;

/**
 * Sends one large request frame many times with little memory of its own: each copy is a fresh
 * header (its own correlation id) and the body by reference. Responses are checked in order.
 */
class SharedFrameProducer {
  private received = Buffer.alloc(0);
  private readonly errors: number[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly frame: Buffer,
  ) {}

  static async connect(port: number, frame: Buffer): Promise<SharedFrameProducer> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new SharedFrameProducer(socket, frame);
  }

  /** Writes the frame `count` times; resolves to each response's error code, in order. */
  send(count: number): Promise<number[]> {
    for (let i = 1; i <= count; i++) {
      const header = Buffer.from(this.frame.subarray(0, CORRELATION_ID_AT + 4));
      header.writeInt32BE(i, CORRELATION_ID_AT);
      this.socket.write(header);
      this.socket.write(this.frame.subarray(CORRELATION_ID_AT + 4));
    }
    return new Promise((resolve, reject) => {
      this.socket.on('error', reject);
      this.socket.on('close', () =>
        reject(new Error(`closed after ${this.errors.length} of ${count} responses`)),
      );
      this.socket.on('data', (chunk: Buffer) => {
        this.received = Buffer.concat([this.received, chunk]);
        while (this.received.length >= FRAME_SIZE_PREFIX) {
          const size = this.received.readInt32BE(0);
          if (this.received.length < FRAME_SIZE_PREFIX + size) break;
          const response = decodeResponseFrame(
            Produce,
            7,
            this.received.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size),
          );
          this.received = this.received.subarray(FRAME_SIZE_PREFIX + size);
          if (response.correlationId !== this.errors.length + 1) {
            reject(new Error(`response ${response.correlationId} where ${this.errors.length + 1} was due`));
          }
          this.errors.push(response.body.responses[0]!.partitionResponses[0]!.errorCode);
          if (this.errors.length === count) {
            this.socket.removeAllListeners('close');
            this.socket.destroy();
            resolve(this.errors);
          }
        }
      });
    });
  }
}

describe('memory under load', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await BrokerProcess.start(await mkdtemp(join(tmpdir(), 'runnel-memory-')));
  });
  afterAll(() => broker?.stop());

  it(`keeps RSS under ${RSS_BOUND_MIB} MiB with ${CONNECTIONS} connections each pipelining ${LONG_POLLS_PER_CONNECTION} long polls and ${PRODUCERS * FRAMES_PER_PRODUCER} produce frames of ${PRODUCE_FRAME_MIB} MiB, serving a normal client throughout`, async () => {
    const pid = broker.child.pid!;
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'idle', 1);
    await createTopic(admin, 'large', 1);
    const baseline = peakRssMiB(pid);

    // Long polls on a topic nobody writes to: each waits its full maxWaitMs.
    const pollers = await Promise.all(
      Array.from({ length: CONNECTIONS }, () => PipelinedConnection.connect(broker.port)),
    );
    const polls = pollers.flatMap((connection) =>
      Array.from({ length: LONG_POLLS_PER_CONNECTION }, () => connection.send(Fetch, 11, longPoll('idle'))),
    );
    // Produce frames far above message.max.bytes (refused with MESSAGE_TOO_LARGE once read): the
    // broker holds each whole while it is queued, as it would a hostile client's.
    const records = await encodeRecordBatch({
      records: [{ key: null, value: Buffer.alloc(PRODUCE_FRAME_MIB * MiB - 200, 7), timestamp: Date.now() }],
    });
    const frame = encodeRequestFrame(
      Produce,
      7,
      { correlationId: 0, clientId: 'large' },
      {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'large', partitionData: [{ index: 0, records }] }],
      },
    );
    const produced = await Promise.all(
      Array.from({ length: PRODUCERS }, () => SharedFrameProducer.connect(broker.port, frame)),
    ).then((producers) => producers.map((p) => p.send(FRAMES_PER_PRODUCER)));

    // A normal client, one request at a time, for as long as the load lasts.
    let loadDone = false;
    const all = Promise.all([Promise.all(polls), Promise.all(produced)]).finally(() => {
      loadDone = true;
    });
    const normal = await RawClient.connect(broker.port);
    const roundTrips: number[] = [];
    while (!loadDone) {
      const started = performance.now();
      expect((await normal.request(ApiVersions, 3, {})).errorCode).toBe(0);
      roundTrips.push(performance.now() - started);
    }
    const [pollResponses, produceErrors] = await all;

    // Every request answered, in order (both clients check each correlation id).
    expect(pollResponses).toHaveLength(CONNECTIONS * LONG_POLLS_PER_CONNECTION);
    for (const response of pollResponses) expect(response.responses[0]!.partitions[0]!.errorCode).toBe(0);
    expect(produceErrors.flat()).toEqual(
      Array(PRODUCERS * FRAMES_PER_PRODUCER).fill(ErrorCode.MESSAGE_TOO_LARGE),
    );
    const peak = peakRssMiB(pid);
    const queuedPeak = await broker.metric('runnel_queued_request_bytes_peak');
    process.stdout.write(
      `memory-bound: broker RSS ${baseline.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB; queued request bytes peak ${(queuedPeak / MiB).toFixed(0)} MiB; normal client ${roundTrips.length} round trips, slowest ${Math.max(...roundTrips).toFixed(0)} ms\n`,
    );
    expect(peak).toBeLessThan(RSS_BOUND_MIB);
    expect(queuedPeak).toBeLessThanOrEqual(256 * MiB + PRODUCE_FRAME_MIB * MiB);
    // Served throughout: round trips kept completing while the load lasted, none stuck behind it
    // (a generous ceiling: the machine running the suite may be loaded).
    expect(roundTrips.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...roundTrips)).toBeLessThan(10 * LONG_POLL_MS);
    for (const c of pollers) c.close();
    admin.close();
    normal.close();
  }, 60_000);
});
