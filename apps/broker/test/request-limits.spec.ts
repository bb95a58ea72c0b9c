import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiVersions,
  encodeRecordBatch,
  encodeRequestFrame,
  Fetch,
  type InputOf,
  Produce,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { numberedRecords } from './fetch-support/topic-data.js';
import { PipelinedConnection } from './support/pipelined-connection.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

type FetchResponse = ResponseOf<typeof Fetch>;

const MiB = 1024 * 1024;
const T0 = Date.now() - 60_000;
const LONG_POLL_MS = 1500;

/** A v11 Fetch of partition 0 from offset 0 that waits up to LONG_POLL_MS for a byte; `rackId` pads the frame. */
function longPoll(topic: string, rackId = ''): InputOf<RequestOf<typeof Fetch>> {
  return {
    replicaId: -1,
    maxWaitMs: LONG_POLL_MS,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 * 1024 }] }],
    forgottenTopicsData: [],
    rackId,
  };
}

async function produceRequest(topic: string): Promise<InputOf<RequestOf<typeof Produce>>> {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        partitionData: [{ index: 0, records: await encodeRecordBatch(numberedRecords('late', 1, T0)) }],
      },
    ],
  };
}

/** A response promise, and when it arrived (ms after `since`), once it has. */
function track<T>(response: Promise<T>, since: number) {
  const tracked = { response, at: -1 };
  void response.then(() => {
    tracked.at = performance.now() - since;
  });
  return tracked;
}

const recordBytes = (response: FetchResponse) => response.responses[0]!.partitions[0]!.records!.length;

async function scrape(httpPort: number, metric: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `));
  if (!line) throw new Error(`${metric} is not in /metrics`);
  return Number(line.split(' ')[1]);
}

/** Scrapes `metric` until `accept` holds: the broker's own account of what it holds. */
async function untilMetric(
  httpPort: number,
  metric: string,
  accept: (value: number) => boolean,
): Promise<number> {
  for (;;) {
    const value = await scrape(httpPort, metric);
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('request limits', () => {
  const started: RunningBroker[] = [];
  afterAll(async () => {
    for (const broker of started) await broker.close();
  });

  async function brokerWith(options: Parameters<typeof startBroker>[0]): Promise<RunningBroker> {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-limits-'));
    const broker = await startBroker({ port: 0, httpPort: 0, dataDir, logger: false, ...options });
    started.push(broker);
    return broker;
  }

  it('reads nothing more from a connection at queuedMaxRequestsPerConnection until a response leaves, and serves other clients meanwhile', async () => {
    const broker = await brokerWith({ queuedMaxRequestsPerConnection: 4 });
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'per-connection', 1);
    const pipelined = await PipelinedConnection.connect(broker.port);
    const t0 = performance.now();
    const polls = Array.from({ length: 4 }, () =>
      track(pipelined.send(Fetch, 11, longPoll('per-connection')), t0),
    );
    // The fifth request: were it read, its record would answer every waiting fetch at once.
    const produced = track(pipelined.send(Produce, 7, await produceRequest('per-connection')), t0);

    const other = await RawClient.connect(broker.port);
    expect((await other.request(ApiVersions, 3, {})).errorCode).toBe(0);
    const otherServedAt = performance.now() - t0;
    expect(otherServedAt).toBeLessThan(LONG_POLL_MS);

    const first = await polls[0]!.response;
    expect(recordBytes(first)).toBe(0); // its deadline passed: the produce had not been read
    expect(polls[0]!.at).toBeGreaterThanOrEqual(LONG_POLL_MS - 50);
    const { partitionResponses } = (await produced.response).responses[0]!;
    expect(partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    await Promise.all(polls.map((p) => p.response));
    for (const p of polls) expect(p.at).toBeLessThanOrEqual(produced.at);
    admin.close();
    other.close();
    pipelined.close();
  });

  it('stops reading every connection once queuedMaxRequestBytes is held, resumes as requests finish, and loses or reorders nothing', async () => {
    const budget = 64 * 1024;
    const broker = await brokerWith({ socketRequestMaxBytes: budget, queuedMaxRequestBytes: budget });
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'budget', 1);
    // Four long polls of ~20 KiB: the fourth is admitted with 4 KiB of the budget left (a frame
    // is admitted whole while anything is left), then the budget is used up.
    const rackId = 'r'.repeat(20 * 1024);
    const frameBytes = encodeRequestFrame(
      Fetch,
      11,
      { correlationId: 1, clientId: 'pipelined-connection' },
      longPoll('budget', rackId),
    ).length;
    expect(3 * frameBytes).toBeLessThan(budget);
    expect(4 * frameBytes).toBeGreaterThan(budget);
    const holder = await PipelinedConnection.connect(broker.port);
    const t0 = performance.now();
    const polls = Array.from({ length: 4 }, () =>
      track(holder.send(Fetch, 11, longPoll('budget', rackId)), t0),
    );
    const produced = track(holder.send(Produce, 7, await produceRequest('budget')), t0);
    // Once the broker holds all four and has refused the fifth, another connection's request is
    // read only when the budget is free again, so it is answered after the first long poll.
    await untilMetric(broker.httpPort, 'runnel_connections_waiting_for_request_bytes', (n) => n === 1);
    expect(await scrape(broker.httpPort, 'runnel_queued_request_bytes')).toBe(4 * frameBytes);
    const other = await PipelinedConnection.connect(broker.port);
    const otherServed = track(other.send(ApiVersions, 3, {}), t0);

    const first = await polls[0]!.response;
    expect(recordBytes(first)).toBe(0); // the produce was not read before the deadline
    await Promise.all([produced.response, otherServed.response, ...polls.map((p) => p.response)]);
    expect(polls[0]!.at).toBeGreaterThanOrEqual(LONG_POLL_MS - 50);
    expect(otherServed.at).toBeGreaterThanOrEqual(polls[0]!.at);
    expect((await produced.response).responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
    });

    const peak = await scrape(broker.httpPort, 'runnel_queued_request_bytes_peak');
    expect(peak).toBeGreaterThanOrEqual(4 * frameBytes);
    expect(peak).toBeLessThanOrEqual(budget + frameBytes);
    expect(await scrape(broker.httpPort, 'runnel_queued_request_bytes')).toBe(0);
    admin.close();
    other.close();
    holder.close();
  });

  it('admits a frame as large as the whole budget while a long poll holds part of it', async () => {
    const budget = 64 * 1024;
    const broker = await brokerWith({ socketRequestMaxBytes: budget, queuedMaxRequestBytes: budget });
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'whole-budget', 1);
    const waiting = await PipelinedConnection.connect(broker.port);
    const t0 = performance.now();
    const poll = track(waiting.send(Fetch, 11, longPoll('whole-budget')), t0);
    // The long poll is read and holds its bytes.
    await untilMetric(broker.httpPort, 'runnel_queued_request_bytes', (bytes) => bytes > 0);
    // A produce frame of exactly socketRequestMaxBytes (= the budget), size prefix included.
    const request = async (valueBytes: number): Promise<InputOf<RequestOf<typeof Produce>>> => ({
      ...(await produceRequest('whole-budget')),
      topicData: [
        {
          name: 'whole-budget',
          partitionData: [
            {
              index: 0,
              records: await encodeRecordBatch({
                records: [{ key: null, value: Buffer.alloc(valueBytes, 1), timestamp: T0 }],
              }),
            },
          ],
        },
      ],
    });
    const sized = async (valueBytes: number) =>
      encodeRequestFrame(Produce, 7, { correlationId: 1, clientId: 'raw-client' }, await request(valueBytes))
        .length;
    // Varint lengths grow with the value: step towards the exact size.
    let valueBytes = budget - 200;
    for (let size = await sized(valueBytes); size !== budget; size = await sized(valueBytes)) {
      valueBytes += budget > size ? 1 : -1;
    }
    expect(await sized(valueBytes)).toBe(budget);
    const producer = await RawClient.connect(broker.port);
    const produced = await producer.request(Produce, 7, await request(valueBytes));
    expect(produced.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    // The long poll was woken by that record, well before its deadline.
    expect(recordBytes(await poll.response)).toBeGreaterThan(valueBytes);
    expect(poll.at).toBeLessThan(LONG_POLL_MS);
    const peak = await scrape(broker.httpPort, 'runnel_queued_request_bytes_peak');
    expect(peak).toBeGreaterThan(budget);
    expect(peak).toBeLessThanOrEqual(2 * budget);
    admin.close();
    producer.close();
    waiting.close();
  });

  it('keeps the last eighth of the budget for small requests while large frames wait among themselves', async () => {
    const budget = 8 * MiB; // large frames get in below 7 MiB
    const broker = await brokerWith({ socketRequestMaxBytes: budget, queuedMaxRequestBytes: budget });
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'reserve', 1);
    // Three 2.4 MiB produce frames, each sent but for its last byte: admitted, read, holding 7.2 MiB.
    const large = encodeRequestFrame(
      Produce,
      7,
      { correlationId: 1, clientId: 'large' },
      {
        ...(await produceRequest('reserve')),
        topicData: [{ name: 'reserve', partitionData: [{ index: 0, records: Buffer.alloc(2.4 * MiB) }] }],
      },
    );
    const holders = await Promise.all([0, 1, 2].map(() => RawClient.connect(broker.port)));
    for (const holder of holders) holder.write(large.subarray(0, large.length - 1));
    await untilMetric(broker.httpPort, 'runnel_queued_request_bytes', (bytes) => bytes === 3 * large.length);
    // A fourth large frame waits; a small request from another client is read and answered.
    const fourth = await RawClient.connect(broker.port);
    const fourthAnswered = track(
      fourth.request(Produce, 7, {
        ...(await produceRequest('reserve')),
        topicData: [{ name: 'reserve', partitionData: [{ index: 0, records: Buffer.alloc(2.4 * MiB) }] }],
      }),
      performance.now(),
    );
    await untilMetric(broker.httpPort, 'runnel_connections_waiting_for_request_bytes', (n) => n === 1);
    const normal = await RawClient.connect(broker.port);
    expect((await normal.request(ApiVersions, 3, {})).errorCode).toBe(0);
    expect(fourthAnswered.at).toBe(-1);
    // One holder finishes its frame: its request is handled, and the fourth is admitted.
    holders[0]!.write(large.subarray(large.length - 1));
    expect(await holders[0]!.nextFrame()).toBeDefined();
    const { partitionResponses } = (await fourthAnswered.response).responses[0]!;
    expect(partitionResponses[0]!.errorCode).not.toBe(0); // not a record batch: refused, but answered
    for (const c of [admin, fourth, normal, ...holders]) c.close();
  });
});
