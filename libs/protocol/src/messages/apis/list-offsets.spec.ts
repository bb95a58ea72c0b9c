import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { ListOffsets } from './list-offsets.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof ListOffsets> = {
  replicaId: -1,
  isolationLevel: 1,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, currentLeaderEpoch: 3, timestamp: -2n, maxNumOffsets: 5 },
        { partitionIndex: 1, currentLeaderEpoch: 4, timestamp: 1700000000000n, maxNumOffsets: 2 },
      ],
    },
    { name: 'payments', partitions: [] },
  ],
};

const response: ResponseOf<typeof ListOffsets> = {
  throttleTimeMs: 15,
  topics: [
    {
      name: 'orders',
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          oldStyleOffsets: [90n, 0n],
          timestamp: 1700000000000n,
          offset: 90n,
          leaderEpoch: 3,
        },
        { partitionIndex: 1, errorCode: 0, oldStyleOffsets: [], timestamp: 5n, offset: 12n, leaderEpoch: 4 },
      ],
    },
    { name: 'payments', partitions: [] },
  ],
};

describe('ListOffsets', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(ListOffsets, request, response);
  });

  it('decodes a v1 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '00000001', // topics: 1
        '0001' + '74', // name "t"
        '00000001', // partitions: 1
        '00000000', // partitionIndex 0
        '0000', // errorCode 0
        'ffffffffffffffff', // timestamp -1
        '000000000000002a', // offset 42
      ].join(''),
      'hex',
    );
    expect(decode(ListOffsets.response, 1, bytes)).toEqual({
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              oldStyleOffsets: [],
              timestamp: -1n,
              offset: 42n,
              leaderEpoch: -1,
            },
          ],
        },
      ],
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(ListOffsets.request, request);
    expectEveryTruncationToThrow(ListOffsets.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2, 3];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('listOffsets', version, {
        replicaId: request.replicaId,
        isolationLevel: request.isolationLevel,
        topics: request.topics.map(({ name, partitions }) => ({
          topic: name,
          partitions: partitions.map((p) => ({
            partition: p.partitionIndex,
            timestamp: String(p.timestamp),
            maxNumOffsets: p.maxNumOffsets,
          })),
        })),
      });
      expect(decode(ListOffsets.request, version, body)).toEqual(
        projectToVersion(ListOffsets.request.struct, version, request),
      );
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const parsed = await parseWithKafkajs(
        'listOffsets',
        version,
        encode(ListOffsets.response, version, response),
      );
      const throttle =
        version >= 3
          ? { throttleTime: 0, clientSideThrottleTime: 15 }
          : version >= 2
            ? { throttleTime: 15 }
            : {};
      expect(parsed).toEqual({
        ...throttle,
        responses: response.topics.map(({ name, partitions }) => ({
          topic: name,
          partitions: partitions.map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            ...(version === 0
              ? { offsets: p.oldStyleOffsets.map(String) }
              : { timestamp: String(p.timestamp), offset: String(p.offset) }),
          })),
        })),
      });
    });
  });
});
