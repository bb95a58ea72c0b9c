import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiVersions,
  DeleteTopics,
  decodeRecordBatches,
  encodeRecordBatch,
  Fetch,
  type InputOf,
  Metadata,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { numberedRecords, produce } from './fetch-support/topic-data.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

type FetchResponse = ResponseOf<typeof Fetch>;

const T0 = Date.now() - 60_000;

/** A v11 Fetch of one partition from `fetchOffset` that may wait `maxWaitMs` for `minBytes`. */
function longPoll(
  topic: string,
  fetchOffset: bigint,
  maxWaitMs: number,
  minBytes = 1,
): InputOf<RequestOf<typeof Fetch>> {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1024 * 1024 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** A request in flight, and whether its response has arrived yet. */
function track(response: Promise<FetchResponse>) {
  const tracked = { response, answered: false, at: 0 };
  void response.then(() => {
    tracked.answered = true;
    tracked.at = performance.now();
  });
  return tracked;
}

async function recordValues(response: FetchResponse): Promise<string[]> {
  const { batches } = await decodeRecordBatches(response.responses[0]!.partitions[0]!.records!);
  return batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
}

describe('Fetch long polls', () => {
  let broker: RunningBroker;
  let waiting: RawClient;
  let other: RawClient;
  let topicCount = 0;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-long-poll-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
  });
  afterAll(() => broker.close());

  beforeEach(async () => {
    waiting = await RawClient.connect(broker.port);
    other = await RawClient.connect(broker.port);
  });
  afterEach(() => {
    waiting.close();
    other.close();
  });

  /** A new empty topic for each test. */
  async function emptyTopic(): Promise<string> {
    const name = `long-poll-${++topicCount}`;
    await createTopic(other, name, 1);
    return name;
  }

  it('answers a fetch waiting on an empty partition as soon as a produce lands, long before maxWaitMs', async () => {
    const topic = await emptyTopic();
    const started = performance.now();
    const fetch = track(waiting.request(Fetch, 11, longPoll(topic, 0n, 10_000)));
    // A round trip on another connection: the fetch has reached the broker and is waiting.
    await other.request(ApiVersions, 3, {});
    expect(fetch.answered).toBe(false);

    const produced = performance.now();
    await produce(other, topic, 0, numberedRecords('v', 2, T0));
    const response = await fetch.response;
    expect(await recordValues(response)).toEqual(['v-0', 'v-1']);
    expect(response.responses[0]!.partitions[0]!.highWatermark).toBe(2n);
    expect(fetch.at - produced).toBeLessThan(1000);
    expect(fetch.at - started).toBeLessThan(5000);
  });

  it('answers with no records after about maxWaitMs when nothing arrives', async () => {
    const topic = await emptyTopic();
    const started = performance.now();
    const response = await waiting.request(Fetch, 11, longPoll(topic, 0n, 100));
    const elapsed = performance.now() - started;
    expect(response.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n });
    expect(response.responses[0]!.partitions[0]!.records).toEqual(Buffer.alloc(0));
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
  });

  it('holds up no other connection while it waits', async () => {
    const topic = await emptyTopic();
    const fetch = track(waiting.request(Fetch, 11, longPoll(topic, 0n, 10_000)));
    const started = performance.now();
    await other.request(ApiVersions, 3, {});
    await other.request(Metadata, 8, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const empty = await other.request(Fetch, 11, longPoll(topic, 0n, 0));
    expect(empty.responses[0]!.partitions[0]!.errorCode).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fetch.answered).toBe(false);
    await produce(other, topic, 0, numberedRecords('release', 1, T0));
    await fetch.response;
  });

  it('keeps waiting until minBytes have arrived, then answers with all of them', async () => {
    const topic = await emptyTopic();
    const first = numberedRecords('first', 3, T0);
    const second = numberedRecords('second', 3, T0);
    const firstSize = (await encodeRecordBatch(first)).length;
    const fetch = track(waiting.request(Fetch, 11, longPoll(topic, 0n, 10_000, firstSize + 1)));
    await other.request(ApiVersions, 3, {});
    await produce(other, topic, 0, first);
    await other.request(ApiVersions, 3, {});
    expect(fetch.answered).toBe(false);

    await produce(other, topic, 0, second);
    expect(await recordValues(await fetch.response)).toEqual([
      'first-0',
      'first-1',
      'first-2',
      'second-0',
      'second-1',
      'second-2',
    ]);
  });

  it('is answered at its deadline, not earlier, when what arrives stays below minBytes', async () => {
    const topic = await emptyTopic();
    const started = performance.now();
    const fetch = track(waiting.request(Fetch, 11, longPoll(topic, 0n, 400, 100_000)));
    await other.request(ApiVersions, 3, {});
    await produce(other, topic, 0, numberedRecords('small', 2, T0));
    await produce(other, topic, 0, numberedRecords('small-again', 2, T0));
    const response = await fetch.response;
    expect(fetch.at - started).toBeGreaterThanOrEqual(390);
    expect(await recordValues(response)).toEqual(['small-0', 'small-1', 'small-again-0', 'small-again-1']);
  });

  it('counts minBytes over all its partitions: appends to two partitions that cross it together answer it', async () => {
    const topic = `long-poll-${++topicCount}`;
    await createTopic(other, topic, 2);
    const first = numberedRecords('p0', 3, T0);
    const second = numberedRecords('p1', 3, T0);
    const minBytes = (await encodeRecordBatch(first)).length + 1;
    const request = longPoll(topic, 0n, 10_000, minBytes);
    request.topics![0]!.partitions!.push({ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1024 * 1024 });
    const fetch = track(waiting.request(Fetch, 11, request));
    await other.request(ApiVersions, 3, {});
    await produce(other, topic, 0, first);
    await other.request(ApiVersions, 3, {});
    expect(fetch.answered).toBe(false);
    await produce(other, topic, 1, second);
    const [p0, p1] = (await fetch.response).responses[0]!.partitions;
    expect(p0!.records!.length + p1!.records!.length).toBeGreaterThanOrEqual(minBytes);
    expect(p1!.highWatermark).toBe(3n);
  });

  it('is answered at once when its partition is deleted while it waits, with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = await emptyTopic();
    const fetch = track(waiting.request(Fetch, 11, longPoll(topic, 0n, 30_000)));
    await other.request(ApiVersions, 3, {});
    expect(fetch.answered).toBe(false);
    const started = performance.now();
    const deleted = await other.request(DeleteTopics, 3, { topicNames: [topic], timeoutMs: 5000 });
    expect(deleted.responses[0]!.errorCode).toBe(0);
    const response = await fetch.response;
    expect(fetch.at - started).toBeLessThan(2000);
    expect(response.responses[0]!.partitions[0]!.errorCode).toBe(3);
  });

  it('is answered when the broker stops, so close() does not wait out maxWaitMs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-long-poll-close-'));
    const stopping = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const admin = await RawClient.connect(stopping.port);
    const consumer = await RawClient.connect(stopping.port);
    try {
      await createTopic(admin, 'closing', 1);
      const fetch = track(consumer.request(Fetch, 11, longPoll('closing', 0n, 30_000)));
      await admin.request(ApiVersions, 3, {});
      expect(fetch.answered).toBe(false);

      const started = performance.now();
      await stopping.close();
      expect(performance.now() - started).toBeLessThan(2000);
      const response = await fetch.response;
      expect(response.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, records: Buffer.alloc(0) });
    } finally {
      admin.close();
      consumer.close();
    }
  });
});
