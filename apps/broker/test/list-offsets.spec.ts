import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type InputOf, ListOffsets, type RequestOf } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { connectKafkajsBroker } from './fetch-support/kafkajs-broker.js';
import { createTimed } from './fetch-support/sample-topics.js';
import { makeUnopenable, numberedRecords, produce } from './fetch-support/topic-data.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

type ListOffsetsInput = InputOf<RequestOf<typeof ListOffsets>>;
type PartitionInput = NonNullable<NonNullable<ListOffsetsInput['topics']>[number]['partitions']>[number];

/** Record timestamps: a minute ago, well inside the default retention. */
const T0 = Date.now() - 60_000;
const EARLIEST = -2n;
const LATEST = -1n;

/** timed-0 as `createTimed` makes it: offsets 3-11, log start 3, high watermark 12, segment edges 5 | 6 and 8 | 9. */
describe('ListOffsets', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-list-offsets-'));
    // A first run takes the data in through CreateTopics, Produce and DeleteRecords; the run under
    // test reads it back from disk, with damaged-0 made offline in between.
    const first = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const producer = await RawClient.connect(first.port);
    try {
      const stored = await createTimed(producer, T0);
      expect(stored.every((b) => b.bytes.length > 75 && b.bytes.length <= 150)).toBe(true);
      await createTopic(producer, 'empty', 1);
      await createTopic(producer, 'damaged', 1);
      await produce(producer, 'damaged', 0, numberedRecords('d', 1, T0));
    } finally {
      producer.close();
      await first.close();
    }
    makeUnopenable(dataDir, 'damaged', 0);
    const segments = readdirSync(join(dataDir, 'timed-0')).filter((file) => file.endsWith('.log'));
    expect(segments).toEqual([
      '00000000000000000003.log',
      '00000000000000000006.log',
      '00000000000000000009.log',
    ]);
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const listOf = (topic: string, partitions: PartitionInput[], replicaId = -1): ListOffsetsInput => ({
    replicaId,
    isolationLevel: 0,
    topics: [{ name: topic, partitions }],
  });
  const at = (timestamp: bigint, partitionIndex = 0): PartitionInput => ({ partitionIndex, timestamp });

  /** Each lookup in a request of its own: a request naming a partition twice is refused. */
  async function lookUp(topic: string, timestamps: bigint[], version = 5) {
    const answers = [];
    for (const timestamp of timestamps) {
      const response = await client.request(ListOffsets, version, listOf(topic, [at(timestamp)]));
      answers.push(response.topics[0]!.partitions[0]!);
    }
    return answers;
  }

  it('answers earliest with the log start offset and latest with the high watermark', async () => {
    expect(await lookUp('timed', [EARLIEST, LATEST])).toEqual([
      { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: 3n, leaderEpoch: 0 },
      { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: 12n, leaderEpoch: 0 },
    ]);
  });

  it('finds the first offset at or after a timestamp, across segment edges', async () => {
    const t = (delta: number) => BigInt(T0 + delta);
    const cases: [timestamp: bigint, offset: bigint, recordTimestamp: bigint][] = [
      [t(-1000), 3n, t(100)], // older than any record left: the log start
      [t(0), 3n, t(100)], // its records were deleted with the first segment
      [t(102), 5n, t(102)], // the last record of a segment
      [t(103), 6n, t(200)], // between segments: the first record of the next one
      [t(200), 6n, t(200)],
      [t(302), 11n, t(302)], // the last record of the log
    ];
    const answers = await lookUp(
      'timed',
      cases.map(([timestamp]) => timestamp),
      4,
    );
    expect(answers.map((p) => [p.errorCode, p.offset, p.timestamp, p.leaderEpoch])).toEqual(
      cases.map(([, offset, recordTimestamp]) => [0, offset, recordTimestamp, 0]),
    );
  });

  it('answers offset -1 and timestamp -1 when no record is that recent, and for an empty partition', async () => {
    const answers = [
      ...(await lookUp('timed', [BigInt(T0 + 303)])),
      ...(await lookUp('empty', [BigInt(T0), EARLIEST, LATEST])),
    ];
    expect(answers.map((p) => [p.errorCode, p.offset, p.timestamp, p.leaderEpoch])).toEqual([
      [0, -1n, -1n, -1],
      [0, -1n, -1n, -1],
      [0, 0n, -1n, 0],
      [0, 0n, -1n, 0],
    ]);
  });

  it('answers v0 in the old list form', async () => {
    const answers = [];
    for (const timestamp of [EARLIEST, LATEST, BigInt(T0 + 200), BigInt(T0 + 303)]) {
      const response = await client.request(ListOffsets, 0, {
        replicaId: -1,
        topics: [{ name: 'timed', partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets: 1 }] }],
      });
      answers.push(response.topics[0]!.partitions[0]!.oldStyleOffsets);
    }
    expect(answers).toEqual([[3n], [12n], [6n], []]);
  });

  it.each([1, 2, 3])('serves v%i with one offset and its timestamp', async (version) => {
    const response = await client.request(ListOffsets, version, listOf('timed', [at(BigInt(T0 + 201))]));
    expect(response.topics[0]!.partitions[0]).toMatchObject({
      errorCode: 0,
      offset: 7n,
      timestamp: BigInt(T0 + 201),
    });
  });

  it('gives each partition its own error', async () => {
    const response = await client.request(ListOffsets, 5, {
      ...listOf('timed', []),
      topics: [
        { name: 'timed', partitions: [at(LATEST, 1)] },
        { name: 'no-such-topic', partitions: [at(LATEST)] },
        { name: 'damaged', partitions: [at(LATEST)] },
        {
          name: 'timed',
          partitions: [{ partitionIndex: 0, timestamp: LATEST, currentLeaderEpoch: 7 }],
        },
      ],
    });
    expect(response.topics.map((t) => t.partitions[0]!.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.KAFKA_STORAGE_ERROR,
      ErrorCode.UNKNOWN_LEADER_EPOCH,
    ]);
    expect(response.topics[3]!.partitions[0]).toMatchObject({ offset: -1n, timestamp: -1n, leaderEpoch: -1 });
  });

  it('answers INVALID_REQUEST for every mention of a partition named twice (v1+)', async () => {
    const response = await client.request(
      ListOffsets,
      5,
      listOf('timed', [at(LATEST), at(EARLIEST), at(LATEST, 1)]),
    );
    expect(response.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
  });

  it('refuses a broker (replicaId >= 0) with NOT_LEADER_OR_FOLLOWER: there are no followers', async () => {
    const response = await client.request(ListOffsets, 5, listOf('timed', [at(LATEST)], 2));
    expect(response.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('answers kafkajs (ListOffsets v3) for earliest, latest and a timestamp', async () => {
    const kafkajs = await connectKafkajsBroker(broker.port);
    try {
      const offsets = [];
      for (const timestamp of ['-2', '-1', String(T0 + 150)]) {
        const response = await kafkajs.listOffsets({
          replicaId: -1,
          isolationLevel: 1,
          topics: [{ topic: 'timed', partitions: [{ partition: 0, timestamp }] }],
        });
        offsets.push(response.responses[0]!.partitions[0]!.offset);
      }
      expect(offsets).toEqual(['3', '12', '6']);
    } finally {
      await kafkajs.disconnect();
    }
  });
});
