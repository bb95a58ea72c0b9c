import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { OffsetCommit } from './offset-commit.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  generationId: 7,
  memberId: 'consumer-1-7f3a',
  groupInstanceId: 'orders-host-1',
  retentionTimeMs: 86_400_000n,
  topics: [
    {
      name: 'payments',
      partitions: [
        {
          partitionIndex: 0,
          committedOffset: 1_234_567_890_123n,
          committedLeaderEpoch: 3,
          commitTimestamp: 1_700_000_000_000n,
          committedMetadata: 'after-batch-17',
        },
        {
          partitionIndex: 5,
          committedOffset: 42n,
          committedLeaderEpoch: 4,
          commitTimestamp: 1_700_000_000_001n,
          committedMetadata: null,
        },
      ],
    },
    {
      name: 'refunds',
      partitions: [
        {
          partitionIndex: 1,
          committedOffset: 9n,
          committedLeaderEpoch: 0,
          commitTimestamp: 1_700_000_000_002n,
          committedMetadata: '',
        },
      ],
    },
  ],
};

const response = {
  throttleTimeMs: 50,
  topics: [
    {
      name: 'payments',
      partitions: [
        { partitionIndex: 0, errorCode: 0 },
        { partitionIndex: 5, errorCode: 22 },
      ],
    },
    { name: 'refunds', partitions: [{ partitionIndex: 1, errorCode: 25 }] },
  ],
};

describe('OffsetCommit', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(OffsetCommit, request, response);
  });

  it('encodes a v2 request byte for byte', () => {
    const bytes = encode(OffsetCommit.request, 2, {
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 10n, committedMetadata: null }] },
      ],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '000167', // groupId: int16 length 1, "g"
        '00000001', // generationId 1
        '00016d', // memberId: int16 length 1, "m"
        'ffffffffffffffff', // retentionTimeMs: default -1, the broker's retention
        '00000001', // topics: int32 count 1
        '000174', // [0].name: int16 length 1, "t"
        '00000001', // [0].partitions: int32 count 1
        '00000000', // partitionIndex 0
        '000000000000000a', // committedOffset 10
        'ffff', // committedMetadata: null
      ].join(''),
    );
  });

  it('gives absent fields their defaults: generation -1, leader epoch -1, timestamp -1', () => {
    const decoded = decode(OffsetCommit.request, 0, encode(OffsetCommit.request, 0, request));
    expect(decoded.generationId).toBe(-1);
    expect(decoded.retentionTimeMs).toBe(-1n);
    expect(decoded.topics[0]!.partitions[0]).toMatchObject({
      committedLeaderEpoch: -1,
      commitTimestamp: -1n,
    });
  });

  it.each(kafkajsVersions('offsetCommit'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('offsetCommit', version, {
      groupId: request.groupId,
      groupGenerationId: request.generationId,
      memberId: request.memberId,
      retentionTime: Number(request.retentionTimeMs),
      topics: request.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => ({
          partition: p.partitionIndex,
          offset: p.committedOffset.toString(),
          timestamp: Number(p.commitTimestamp),
          metadata: p.committedMetadata,
        })),
      })),
    });
    expect([apiKey, apiVersion]).toEqual([OffsetCommit.apiKey, version]);
    expect(decode(OffsetCommit.request, version, body)).toEqual(
      projectToVersion(OffsetCommit.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('offsetCommit'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = {
      ...response,
      topics: response.topics.map((topic) => ({
        ...topic,
        partitions: topic.partitions.map((p) => ({ ...p, errorCode: 0 })),
      })),
    };
    const parsed = await parseWithKafkajs(
      'offsetCommit',
      version,
      encode(OffsetCommit.response, version, ok),
    );
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 3, clientSideSince: 4 }),
      responses: ok.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => ({ partition: p.partitionIndex, errorCode: 0 })),
      })),
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(OffsetCommit.request, request);
    expectEveryTruncationToThrow(OffsetCommit.response, response);
  });
});
