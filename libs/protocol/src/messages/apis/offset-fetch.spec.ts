import { ProtocolError } from '../../errors/protocol-error.js';
import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { OffsetFetch } from './offset-fetch.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  topics: [
    { name: 'payments', partitionIndexes: [0, 5, 11] },
    { name: 'refunds', partitionIndexes: [1] },
  ],
  groups: [
    { groupId: 'orders', topics: [{ name: 'payments', partitionIndexes: [0, 5] }] },
    { groupId: 'audit', topics: null },
  ],
  requireStable: true,
};

const response = {
  throttleTimeMs: 60,
  topics: [
    {
      name: 'payments',
      partitions: [
        {
          partitionIndex: 0,
          committedOffset: 1_234_567_890_123n,
          committedLeaderEpoch: 3,
          metadata: 'after-batch-17',
          errorCode: 0,
        },
        { partitionIndex: 5, committedOffset: -1n, committedLeaderEpoch: 2, metadata: null, errorCode: 3 },
      ],
    },
    {
      name: 'refunds',
      partitions: [
        { partitionIndex: 1, committedOffset: 9n, committedLeaderEpoch: 0, metadata: '', errorCode: 0 },
      ],
    },
  ],
  errorCode: 16,
  groups: [
    {
      groupId: 'orders',
      topics: [
        {
          name: 'payments',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 12n,
              committedLeaderEpoch: 3,
              metadata: null,
              errorCode: 0,
            },
          ],
        },
      ],
      errorCode: 0,
    },
    { groupId: 'audit', topics: [], errorCode: 16 },
  ],
};

describe('OffsetFetch', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(OffsetFetch, request, response);
  });

  it('asks for every topic with null topics from v2 on, and refuses null before', () => {
    const everyTopic = { groupId: 'g', topics: null };
    for (const version of [2, 3, 4, 5]) {
      const bytes = encode(OffsetFetch.request, version, everyTopic);
      expect({ version, hex: bytes.toString('hex') }).toEqual({ version, hex: '000167' + 'ffffffff' });
      expect(decode(OffsetFetch.request, version, bytes)).toEqual({
        ...everyTopic,
        groups: [],
        requireStable: false,
      });
    }
    expect(() => encode(OffsetFetch.request, 1, everyTopic)).toThrow(ProtocolError);
    expect(() => decode(OffsetFetch.request, 1, Buffer.from('000167ffffffff', 'hex'))).toThrow(ProtocolError);
  });

  it('encodes a v1 response byte for byte', () => {
    const bytes = encode(OffsetFetch.response, 1, {
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 2, committedOffset: 100n, metadata: 'x', errorCode: 0 }],
        },
      ],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // topics: int32 count 1
        '000174', // [0].name: int16 length 1, "t"
        '00000001', // [0].partitions: int32 count 1
        '00000002', // partitionIndex 2
        '0000000000000064', // committedOffset 100
        '000178', // metadata: int16 length 1, "x"
        '0000', // errorCode 0
      ].join(''),
    );
  });

  it.each(kafkajsVersions('offsetFetch'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('offsetFetch', version, {
      groupId: request.groupId,
      topics: request.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitionIndexes.map((partition) => ({ partition })),
      })),
    });
    expect([apiKey, apiVersion]).toEqual([OffsetFetch.apiKey, version]);
    expect(decode(OffsetFetch.request, version, body)).toEqual(
      projectToVersion(OffsetFetch.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('offsetFetch').filter((v) => v >= 3))(
    'reads the v%i all-topics request kafkajs writes as null topics',
    async (version) => {
      const { body } = await kafkajsRequestBody('offsetFetch', version, { groupId: 'orders', topics: [] });
      expect(decode(OffsetFetch.request, version, body)).toEqual({
        groupId: 'orders',
        topics: null,
        groups: [],
        requireStable: false,
      });
    },
  );

  it.each(kafkajsVersions('offsetFetch'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = {
      ...response,
      errorCode: 0,
      topics: response.topics.map((topic) => ({
        ...topic,
        partitions: topic.partitions.map((p) => ({ ...p, errorCode: 0 })),
      })),
    };
    const parsed = await parseWithKafkajs('offsetFetch', version, encode(OffsetFetch.response, version, ok));
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 3, clientSideSince: 4 }),
      responses: ok.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => ({
          partition: p.partitionIndex,
          offset: p.committedOffset.toString(),
          metadata: p.metadata,
          errorCode: 0,
        })),
      })),
      ...(version >= 2 ? { errorCode: 0 } : {}),
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(OffsetFetch.request, request);
    expectEveryTruncationToThrow(OffsetFetch.response, response);
  });
});
