import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecordBatches, ErrorCode, Fetch, type InputOf, type RequestOf } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { connectKafkajsBroker, type KafkajsBroker } from './fetch-support/kafkajs-broker.js';
import { createLetters } from './fetch-support/sample-topics.js';
import {
  deleteRecordsBefore,
  makeUnopenable,
  numberedRecords,
  produce,
  type StoredBatch,
} from './fetch-support/topic-data.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

type FetchRequestInput = InputOf<RequestOf<typeof Fetch>>;
type FetchPartitionInput = NonNullable<
  NonNullable<FetchRequestInput['topics']>[number]['partitions']
>[number];

/** Record timestamps: a minute ago, well inside the default retention. */
const T0 = Date.now() - 60_000;

/** A v11 Fetch of `partitions` of `topic` that does not wait, with Kafka-consumer defaults otherwise. */
function fetchOf(
  topic: string,
  partitions: FetchPartitionInput[],
  overrides: Partial<InputOf<RequestOf<typeof Fetch>>> = {},
): InputOf<RequestOf<typeof Fetch>> {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions }],
    forgottenTopicsData: [],
    rackId: '',
    ...overrides,
  };
}

const MiB = 1024 * 1024;

describe('Fetch', () => {
  let broker: RunningBroker;
  let client: RawClient;
  /** letters-0: batches of 3, 2 and 1 records (offsets 0-2, 3-4, 5); the first record has a header. */
  let letters: StoredBatch[];
  /** pair-0 and pair-1: two batches of 4 records each. */
  let pair: StoredBatch[][];
  /** big-0: a 64 KiB batch, then a small one. (trimmed-0 holds offsets 3-5: 0-2 were deleted.) */
  let big: StoredBatch[];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-fetch-'));
    // A first run takes the data in through CreateTopics, Produce and DeleteRecords; the run under
    // test reads it back from disk, with damaged-0 made offline in between.
    const first = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const producer = await RawClient.connect(first.port);
    try {
      for (const [topic, partitions] of [
        ['pair', 2],
        ['trimmed', 1],
        ['big', 1],
        ['damaged', 1],
      ] as const) {
        await createTopic(producer, topic, partitions);
      }
      letters = await createLetters(producer, T0);
      pair = [
        await produce(producer, 'pair', 0, numberedRecords('p0', 4, T0), numberedRecords('p0', 4, T0)),
        await produce(producer, 'pair', 1, numberedRecords('p1', 4, T0), numberedRecords('p1', 4, T0)),
      ];
      await produce(producer, 'trimmed', 0, numberedRecords('t', 3, T0), numberedRecords('u', 3, T0));
      await deleteRecordsBefore(producer, 'trimmed', 0, 3n);
      big = await produce(
        producer,
        'big',
        0,
        { records: [{ value: Buffer.alloc(64 * 1024, 1), timestamp: T0 }] },
        numberedRecords('small', 1, T0),
      );
      await produce(producer, 'damaged', 0, numberedRecords('d', 1, T0));
    } finally {
      producer.close();
      await first.close();
    }
    makeUnopenable(dataDir, 'damaged', 0);
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const partitionAt = (
    partition: number,
    fetchOffset: bigint,
    partitionMaxBytes = MiB,
  ): FetchPartitionInput => ({
    partition,
    fetchOffset,
    partitionMaxBytes,
  });

  describe('with kafkajs reading partitions it assigned itself (no group)', () => {
    let kafkajs: KafkajsBroker;
    beforeAll(async () => {
      kafkajs = await connectKafkajsBroker(broker.port);
    });
    afterAll(() => kafkajs.disconnect());

    it('reads every record back with its key, value, headers and offset, and the partition offsets', async () => {
      const response = await kafkajs.fetch({
        maxWaitTime: 0,
        topics: [{ topic: 'letters', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: MiB }] }],
      });
      expect(response).toMatchObject({ errorCode: 0, sessionId: 0 });
      const [partition] = response.responses[0]!.partitions;
      expect(partition).toMatchObject({
        partition: 0,
        errorCode: 0,
        highWatermark: '6',
        lastStableOffset: '6',
        lastStartOffset: '0',
        preferredReadReplica: -1,
      });
      expect(
        partition!.messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString(), m.timestamp]),
      ).toEqual([
        ['0', 'k0', 'a-0', String(T0)],
        ['1', 'k1', 'a-1', String(T0 + 1)],
        ['2', 'k2', 'a-2', String(T0 + 2)],
        ['3', 'k0', 'b-0', String(T0 + 10)],
        ['4', 'k1', 'b-1', String(T0 + 11)],
        ['5', 'k0', 'c-0', String(T0 + 20)],
      ]);
      expect(partition!.messages[0]!.headers).toEqual({ trace: Buffer.from('t-1') });
    });

    it('seeks: a fetch from the middle of the log reads from that batch on', async () => {
      const response = await kafkajs.fetch({
        maxWaitTime: 0,
        topics: [{ topic: 'letters', partitions: [{ partition: 0, fetchOffset: '3', maxBytes: MiB }] }],
      });
      expect(response.responses[0]!.partitions[0]!.messages.map((m) => m.offset)).toEqual(['3', '4', '5']);
    });

    it('is told OFFSET_OUT_OF_RANGE for an offset past the end', async () => {
      await expect(
        kafkajs.fetch({
          maxWaitTime: 0,
          topics: [{ topic: 'letters', partitions: [{ partition: 0, fetchOffset: '7', maxBytes: MiB }] }],
        }),
      ).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE', topic: 'letters', partition: 0 });
    });
  });

  it('sends the log bytes as stored: whole batches from the one holding the fetch offset', async () => {
    const response = await client.request(Fetch, 11, fetchOf('letters', [partitionAt(0, 1n)]));
    const [partition] = response.responses[0]!.partitions;
    expect(partition!.records).toEqual(Buffer.concat(letters.map((b) => b.bytes)));
  });

  it('answers an offset at the end of the log with no records and the offsets', async () => {
    const response = await client.request(Fetch, 11, fetchOf('letters', [partitionAt(0, 6n)]));
    expect(response.responses[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      highWatermark: 6n,
      logStartOffset: 0n,
      records: Buffer.alloc(0),
    });
  });

  it('answers OFFSET_OUT_OF_RANGE past the end and before the log start, with the offsets unknown as Kafka does', async () => {
    const response = await client.request(Fetch, 11, {
      ...fetchOf('letters', [partitionAt(0, 7n)]),
      topics: [
        { topic: 'letters', partitions: [partitionAt(0, 7n)] },
        { topic: 'trimmed', partitions: [partitionAt(0, 2n)] },
      ],
    });
    for (const topic of response.responses) {
      expect(topic.partitions[0]).toMatchObject({
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        abortedTransactions: null,
        records: Buffer.alloc(0),
      });
    }
    const fromStart = await client.request(Fetch, 11, fetchOf('trimmed', [partitionAt(0, 3n)]));
    expect(fromStart.responses[0]!.partitions[0]).toMatchObject({
      errorCode: 0,
      logStartOffset: 3n,
      highWatermark: 6n,
    });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist', async () => {
    const response = await client.request(Fetch, 11, {
      ...fetchOf('letters', []),
      topics: [
        { topic: 'letters', partitions: [partitionAt(1, 0n)] },
        { topic: 'no-such-topic', partitions: [partitionAt(0, 0n)] },
      ],
    });
    expect(response.responses.map((t) => t.partitions[0])).toEqual([
      expect.objectContaining({
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        highWatermark: -1n,
        records: Buffer.alloc(0),
      }),
      expect.objectContaining({
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        highWatermark: -1n,
        records: Buffer.alloc(0),
      }),
    ]);
  });

  it('answers KAFKA_STORAGE_ERROR for an offline partition, and NOT_LEADER_OR_FOLLOWER to v4-5 clients that may not know it', async () => {
    const current = await client.request(Fetch, 11, fetchOf('damaged', [partitionAt(0, 0n)]));
    const older = await client.request(Fetch, 5, fetchOf('damaged', [partitionAt(0, 0n)]));
    expect(current.responses[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
      highWatermark: -1n,
    });
    expect(older.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  describe('size limits', () => {
    const sizes = (batches: StoredBatch[]) => batches.map((b) => b.bytes.length);

    it('stops a partition at partitionMaxBytes, keeping whole batches only', async () => {
      const [first, second] = sizes(letters);
      const response = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 0n, first! + second! + 10)]),
      );
      expect(response.responses[0]!.partitions[0]!.records).toEqual(
        Buffer.concat([letters[0]!.bytes, letters[1]!.bytes]),
      );
    });

    it('returns the first batch even when it is larger than partitionMaxBytes and maxBytes', async () => {
      const response = await client.request(
        Fetch,
        11,
        fetchOf('big', [partitionAt(0, 0n, 1024)], { maxBytes: 1024 }),
      );
      const records = response.responses[0]!.partitions[0]!.records!;
      expect(records.length).toBeGreaterThan(64 * 1024);
      expect(records).toEqual(big[0]!.bytes);
    });

    it('stops adding partitions once maxBytes is used: the next ones get no records but their offsets', async () => {
      const [p0First] = sizes(pair[0]!);
      const response = await client.request(
        Fetch,
        11,
        fetchOf('pair', [partitionAt(0, 0n), partitionAt(1, 0n)], { maxBytes: p0First! + 10 }),
      );
      const [p0, p1] = response.responses[0]!.partitions;
      expect(p0!.records).toEqual(pair[0]![0]!.bytes);
      expect(p1).toMatchObject({ errorCode: 0, highWatermark: 8n, records: Buffer.alloc(0) });
    });

    it('gives the second partition only the batches that fit in what maxBytes leaves', async () => {
      const [p0First, p0Second] = sizes(pair[0]!);
      const [p1First] = sizes(pair[1]!);
      const maxBytes = p0First! + p0Second! + p1First! + 10;
      const response = await client.request(
        Fetch,
        11,
        fetchOf('pair', [partitionAt(0, 0n), partitionAt(1, 0n)], { maxBytes }),
      );
      const returned = response.responses[0]!.partitions.map((p) => p.records!);
      expect(returned).toEqual([Buffer.concat(pair[0]!.map((b) => b.bytes)), pair[1]![0]!.bytes]);
      expect(returned[0]!.length + returned[1]!.length).toBeLessThanOrEqual(maxBytes);
    });

    it('caps maxBytes at fetch.max.bytes', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-fetch-max-'));
      const capped = await startBroker({
        port: 0,
        httpPort: -1,
        dataDir,
        fetchMaxBytes: 1024,
        logger: false,
      });
      const cappedClient = await RawClient.connect(capped.port);
      try {
        await createTopic(cappedClient, 'capped', 1);
        const stored = await produce(
          cappedClient,
          'capped',
          0,
          { records: [{ value: Buffer.alloc(800, 2), timestamp: T0 }] },
          { records: [{ value: Buffer.alloc(800, 3), timestamp: T0 }] },
        );
        const response = await cappedClient.request(Fetch, 11, fetchOf('capped', [partitionAt(0, 0n)]));
        expect(response.responses[0]!.partitions[0]!.records).toEqual(stored[0]!.bytes);
      } finally {
        cappedClient.close();
        await capped.close();
      }
    });
  });

  describe('versions and request fields', () => {
    it.each([0, 1, 2, 3])(
      'answers v%i (legacy message sets) UNSUPPORTED_VERSION on every partition',
      async (version) => {
        const response = await client.request(Fetch, version, fetchOf('letters', [partitionAt(0, 0n)]));
        expect(response.responses[0]!.partitions[0]).toMatchObject({
          partitionIndex: 0,
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          records: Buffer.alloc(0),
        });
      },
    );

    it.each([4, 5, 6, 7, 8, 9, 10, 11])('serves v%i with the records', async (version) => {
      const response = await client.request(Fetch, version, fetchOf('letters', [partitionAt(0, 3n)]));
      const partition = response.responses[0]!.partitions[0]!;
      expect(partition).toMatchObject({ errorCode: 0, highWatermark: 6n, lastStableOffset: 6n });
      const { batches } = await decodeRecordBatches(partition.records!);
      expect(batches.flatMap((batch) => batch.records.map((r) => r.offset))).toEqual([3n, 4n, 5n]);
    });

    it('answers FETCH_SESSION_ID_NOT_FOUND to an incremental fetch, sessions not being kept', async () => {
      const response = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 0n)], { sessionId: 1234, sessionEpoch: 1 }),
      );
      expect(response).toMatchObject({
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      });
    });

    it('answers a request to open a session with a full response and no session (sessionId 0)', async () => {
      const response = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 5n)], { sessionEpoch: 0 }),
      );
      expect(response.errorCode).toBe(0);
      expect(response.sessionId).toBe(0);
      expect(response.responses[0]!.partitions[0]!.records).toEqual(letters[2]!.bytes);
    });

    it('sends abortedTransactions [] under READ_COMMITTED and null under READ_UNCOMMITTED, reading the same records', async () => {
      const uncommitted = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 0n)], { isolationLevel: 0 }),
      );
      const committed = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 0n)], { isolationLevel: 1 }),
      );
      expect(uncommitted.responses[0]!.partitions[0]!.abortedTransactions).toBeNull();
      expect(committed.responses[0]!.partitions[0]!.abortedTransactions).toEqual([]);
      expect(committed.responses[0]!.partitions[0]!.records).toEqual(
        uncommitted.responses[0]!.partitions[0]!.records,
      );
    });

    it('refuses a fetch from a broker (replicaId >= 0) with NOT_LEADER_OR_FOLLOWER: there are no followers', async () => {
      const response = await client.request(
        Fetch,
        11,
        fetchOf('letters', [partitionAt(0, 0n)], { replicaId: 2 }),
      );
      expect(response.responses[0]!.partitions[0]).toMatchObject({
        errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
        records: Buffer.alloc(0),
      });
    });

    it('checks the leader epoch the client believes current (v9+)', async () => {
      const response = await client.request(
        Fetch,
        11,
        fetchOf('letters', [
          { ...partitionAt(0, 0n), currentLeaderEpoch: 0 },
          { ...partitionAt(0, 0n), currentLeaderEpoch: 3 },
        ]),
      );
      expect(response.responses[0]!.partitions.map((p) => p.errorCode)).toEqual([
        ErrorCode.NONE,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
      ]);
    });
  });
});
