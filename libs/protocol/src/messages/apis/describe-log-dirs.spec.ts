import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { DescribeLogDirs } from './describe-log-dirs.js';
import { encodeWithPlatformatic, parseWithPlatformatic } from './test-support/platformatic.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof DescribeLogDirs> = {
  topics: [
    { topic: 'orders', partitions: [0, 2] },
    { topic: 'audit', partitions: [] },
  ],
};

const response: ResponseOf<typeof DescribeLogDirs> = {
  throttleTimeMs: 3,
  errorCode: 0,
  results: [
    {
      errorCode: 0,
      logDir: '/var/lib/runnel',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, partitionSize: 5_000_000_000n, offsetLag: 0n, isFutureKey: false },
            { partitionIndex: 2, partitionSize: 0n, offsetLag: 7n, isFutureKey: true },
          ],
        },
      ],
      totalBytes: 1n << 40n,
      usableBytes: 123_456_789n,
    },
    { errorCode: 57, logDir: '/mnt/broken', topics: [], totalBytes: -1n, usableBytes: -1n },
  ],
};

describe('DescribeLogDirs', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DescribeLogDirs, request, response);
  });

  it('round-trips a null topic list (every partition) at every version', () => {
    for (let version = 0; version <= 4; version++) {
      const bytes = encode(DescribeLogDirs.request, version, { topics: null });
      expect(decode(DescribeLogDirs.request, version, bytes)).toEqual({ topics: null });
    }
  });

  it('encodes a v1 request and a v4 response byte for byte', () => {
    expect(
      encode(DescribeLogDirs.request, 1, { topics: [{ topic: 't', partitions: [3] }] }).toString('hex'),
    ).toBe(
      [
        '00000001', // topics: 1
        '0001' + '74', // topic "t"
        '00000001' + '00000003', // partitions: [3]
      ].join(''),
    );
    expect(encode(DescribeLogDirs.request, 1, { topics: null }).toString('hex')).toBe('ffffffff');
    const v4 = encode(DescribeLogDirs.response, 4, {
      throttleTimeMs: 0,
      errorCode: 0,
      results: [{ errorCode: 0, logDir: 'd', topics: [], totalBytes: 16n, usableBytes: 8n }],
    });
    expect(v4.toString('hex')).toBe(
      [
        '00000000', // throttleTimeMs 0
        '0000', // errorCode (v3+)
        '02', // results: compact array of 1
        '0000', // errorCode
        '02' + '64', // logDir "d", compact string
        '01', // topics: compact array of 0
        '0000000000000010', // totalBytes 16 (v4+)
        '0000000000000008', // usableBytes 8 (v4+)
        '00', // result's tagged fields
        '00', // response's tagged fields
      ].join(''),
    );
  });

  it('gives totalBytes and usableBytes -1 (unknown) below v4', () => {
    const decoded = decode(DescribeLogDirs.response, 3, encode(DescribeLogDirs.response, 3, response));
    expect(decoded.results.map(({ totalBytes, usableBytes }) => [totalBytes, usableBytes])).toEqual([
      [-1n, -1n],
      [-1n, -1n],
    ]);
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(DescribeLogDirs.request, request);
    expectEveryTruncationToThrow(DescribeLogDirs.response, response);
  });

  // kafkajs has no DescribeLogDirs; @platformatic/kafka speaks v2-v4.
  describe('against @platformatic/kafka', () => {
    it.each([2, 3, 4])('writes the v%i request it writes', (version) => {
      const topics = request.topics?.map(({ topic, partitions }) => ({ name: topic, partitions })) ?? [];
      const theirs = encodeWithPlatformatic(`describeLogDirsV${version}`, topics);
      expect(encode(DescribeLogDirs.request, version, request).toString('hex')).toBe(theirs.toString('hex'));
      expect(decode(DescribeLogDirs.request, version, theirs)).toEqual(request);
    });

    it('has it parse the v4 response we encode, errors included', () => {
      const parsed = parseWithPlatformatic(
        'describeLogDirsV4',
        DescribeLogDirs.apiKey,
        4,
        encode(DescribeLogDirs.response, 4, response),
      );
      expect(parsed).toEqual(response);
    });
  });
});
