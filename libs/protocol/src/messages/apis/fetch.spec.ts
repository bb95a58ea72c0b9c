import { decode, encode } from '../codec.js';
import type { InputOf, RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { Fetch } from './fetch.js';
import { encodeWithKafkajs, kafkajsProtocolModule, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof Fetch> = {
  clusterId: 'cluster-7',
  replicaId: 3,
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 1048576,
  isolationLevel: 1,
  sessionId: 77,
  sessionEpoch: 2,
  topics: [
    {
      topic: 'orders',
      partitions: [
        {
          partition: 0,
          currentLeaderEpoch: 5,
          fetchOffset: 42n,
          lastFetchedEpoch: 4,
          logStartOffset: 7n,
          partitionMaxBytes: 65536,
        },
        {
          partition: 4,
          currentLeaderEpoch: 6,
          fetchOffset: 0n,
          lastFetchedEpoch: -1,
          logStartOffset: 0n,
          partitionMaxBytes: 1024,
        },
      ],
    },
    { topic: 'payments', partitions: [] },
  ],
  forgottenTopicsData: [
    { topic: 'audit', partitions: [1, 2] },
    { topic: 'legacy', partitions: [] },
  ],
  rackId: 'rack-b',
};

const response: ResponseOf<typeof Fetch> = {
  throttleTimeMs: 10,
  errorCode: 70,
  sessionId: 77,
  responses: [
    {
      topic: 'orders',
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 100n,
          lastStableOffset: 98n,
          logStartOffset: 3n,
          divergingEpoch: { epoch: 3, endOffset: 90n },
          currentLeader: { leaderId: 2, leaderEpoch: 5 },
          snapshotId: { endOffset: 80n, epoch: 2 },
          abortedTransactions: [
            { producerId: 4000n, firstOffset: 50n },
            { producerId: 4001n, firstOffset: 60n },
          ],
          preferredReadReplica: 2,
          records: Buffer.from('000102030405060708', 'hex'),
        },
        {
          partitionIndex: 4,
          errorCode: 1,
          highWatermark: 9n,
          lastStableOffset: 9n,
          logStartOffset: 0n,
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: null,
          preferredReadReplica: 1,
          records: null,
        },
      ],
    },
    { topic: 'payments', partitions: [] },
  ],
};

describe('Fetch', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(Fetch, request, response);
  });

  it('encodes a v4 request byte for byte', () => {
    const bytes = encode(Fetch.request, 4, {
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1024,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 5n, partitionMaxBytes: 512 }] }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        'ffffffff', // replicaId -1
        '00000064', // maxWaitMs 100
        '00000001', // minBytes 1
        '00000400', // maxBytes 1024
        '01', // isolationLevel READ_COMMITTED
        '00000001', // topics: 1
        '0001' + '74', // topic "t"
        '00000001', // partitions: 1
        '00000000', // partition 0
        '0000000000000005', // fetchOffset 5
        '00000200', // partitionMaxBytes 512
      ].join(''),
    );
  });

  it('decodes a v11 response byte for byte, records as they came', () => {
    const bytes = Buffer.from(
      [
        '00000000', // throttleTimeMs 0
        '0000', // errorCode 0
        '00000009', // sessionId 9
        '00000001', // responses: 1
        '0001' + '74', // topic "t"
        '00000001', // partitions: 1
        '00000002' + '0000', // partitionIndex 2, errorCode 0
        '0000000000000010', // highWatermark 16
        '000000000000000f', // lastStableOffset 15
        '0000000000000000', // logStartOffset 0
        'ffffffff', // abortedTransactions null
        'ffffffff', // preferredReadReplica -1
        '00000003' + 'abcdef', // records: int32 size 3 and the bytes
      ].join(''),
      'hex',
    );
    expect(decode(Fetch.response, 11, bytes)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 9,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 2,
              errorCode: 0,
              highWatermark: 16n,
              lastStableOffset: 15n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: Buffer.from('abcdef', 'hex'),
            },
          ],
        },
      ],
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(Fetch.request, request);
    expectEveryTruncationToThrow(Fetch.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('fetch', version, {
        replicaId: request.replicaId,
        maxWaitTime: request.maxWaitMs,
        minBytes: request.minBytes,
        maxBytes: request.maxBytes,
        isolationLevel: request.isolationLevel,
        sessionId: request.sessionId,
        sessionEpoch: request.sessionEpoch,
        topics: request.topics.map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: p.currentLeaderEpoch,
            fetchOffset: String(p.fetchOffset),
            logStartOffset: String(p.logStartOffset),
            maxBytes: p.partitionMaxBytes,
          })),
        })),
        forgottenTopics: request.forgottenTopicsData,
        rackId: request.rackId,
      });
      expect(decode(Fetch.request, version, body)).toEqual(
        projectToVersion(Fetch.request.struct, version, request),
      );
    });

    type Encoder = { readonly buffer: Buffer };
    const MessageSet = kafkajsProtocolModule<(options: object) => Encoder>('messageSet/index.js');
    const { RecordBatch } = kafkajsProtocolModule<{ RecordBatch: (options: object) => Promise<Encoder> }>(
      'recordBatch/v0/index.js',
    );
    const Record = kafkajsProtocolModule<(options: object) => unknown>('recordBatch/record/v0/index.js');
    const timestamp = 1700000000000;

    /** What a broker would send at this version: a message set before v4, a record batch from v4. */
    async function kafkajsLog(
      version: number,
      firstOffset: number,
      values: readonly string[],
    ): Promise<Buffer> {
      const entries = values.map((value, i) => ({ key: `k${i}`, value, timestamp: timestamp + i }));
      if (version < 4) {
        return MessageSet({ messageVersion: version < 2 ? 0 : 1, compression: 0, entries }).buffer;
      }
      const batch = await RecordBatch({
        firstOffset,
        firstTimestamp: timestamp,
        maxTimestamp: timestamp + values.length - 1,
        lastOffsetDelta: values.length - 1,
        records: entries.map((e, i) => Record({ ...e, offsetDelta: i, timestampDelta: i })),
      });
      return batch.buffer;
    }

    it.each(kafkajsVersions)(
      'has kafkajs parse the v%i response we encode around its own records',
      async (version) => {
        const partitions = [
          { partitionIndex: 0, firstOffset: 40, values: ['a', 'b'] },
          { partitionIndex: 1, firstOffset: 7, values: ['c'] },
        ];
        const ours: InputOf<ResponseOf<typeof Fetch>> = {
          ...response,
          errorCode: 0,
          responses: [
            {
              topic: 'orders',
              partitions: await Promise.all(
                partitions.map(async ({ partitionIndex, firstOffset, values }) => ({
                  partitionIndex,
                  errorCode: 0,
                  highWatermark: 100n,
                  lastStableOffset: 98n,
                  logStartOffset: 3n,
                  abortedTransactions: [{ producerId: 4000n, firstOffset: 50n }],
                  preferredReadReplica: 2,
                  records: await kafkajsLog(version, firstOffset, values),
                })),
              ),
            },
          ],
        };
        const decoded = (await parseWithKafkajs('fetch', version, encode(Fetch.response, version, ours))) as {
          responses: { partitions: { messages: { offset: string; key: Buffer; value: Buffer }[] }[] }[];
        };

        const throttle =
          version >= 8
            ? { throttleTime: 0, clientSideThrottleTime: 10 }
            : version >= 1
              ? { throttleTime: 10 }
              : {};
        expect(decoded).toEqual({
          ...throttle,
          ...(version >= 7 ? { errorCode: 0, sessionId: 77 } : {}),
          responses: [
            {
              topicName: 'orders',
              partitions: partitions.map(({ partitionIndex }) => ({
                partition: partitionIndex,
                errorCode: 0,
                highWatermark: '100',
                ...(version >= 4
                  ? {
                      lastStableOffset: '98',
                      abortedTransactions: [{ producerId: '4000', firstOffset: '50' }],
                    }
                  : {}),
                ...(version >= 5 ? { lastStartOffset: '3' } : {}),
                ...(version >= 11 ? { preferredReadReplica: 2 } : {}),
                messages: expect.any(Array),
              })),
            },
          ],
        });
        const messages = decoded.responses[0]!.partitions.map((p) =>
          p.messages.map((m) => ({
            ...(version >= 4 ? { offset: m.offset } : {}),
            key: m.key.toString(),
            value: m.value.toString(),
          })),
        );
        expect(messages).toEqual(
          partitions.map(({ firstOffset, values }) =>
            values.map((value, i) => ({
              ...(version >= 4 ? { offset: String(firstOffset + i) } : {}),
              key: `k${i}`,
              value,
            })),
          ),
        );
      },
    );
  });
});
