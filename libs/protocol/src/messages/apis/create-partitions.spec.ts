import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { CreatePartitions } from './create-partitions.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof CreatePartitions> = {
  topics: [
    { name: 'orders', count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
    { name: 'payments', count: 4, assignments: null },
  ],
  timeoutMs: 10000,
  validateOnly: true,
};

const response: ResponseOf<typeof CreatePartitions> = {
  throttleTimeMs: 6,
  results: [
    { name: 'orders', errorCode: 0, errorMessage: null },
    { name: 'payments', errorCode: 37, errorMessage: 'Number of partitions must be larger than 4.' },
  ],
};

describe('CreatePartitions', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(CreatePartitions, request, response);
  });

  it('decodes a v1 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '00000000', // throttleTimeMs 0
        '00000001', // results: 1
        '0001' + '74', // name "t"
        '0000', // errorCode 0
        'ffff', // errorMessage null
      ].join(''),
      'hex',
    );
    expect(decode(CreatePartitions.response, 1, bytes)).toEqual({
      throttleTimeMs: 0,
      results: [{ name: 't', errorCode: 0, errorMessage: null }],
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(CreatePartitions.request, request);
    expectEveryTruncationToThrow(CreatePartitions.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('createPartitions', version, {
        topicPartitions: request.topics.map((topic) => ({
          topic: topic.name,
          count: topic.count,
          assignments: topic.assignments?.map((a) => a.brokerIds),
        })),
        timeout: request.timeoutMs,
        validateOnly: request.validateOnly,
      });
      expect(decode(CreatePartitions.request, version, body)).toEqual(request);
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, results: response.results.map((r) => ({ ...r, errorCode: 0 })) };
      const parsed = await parseWithKafkajs(
        'createPartitions',
        version,
        encode(CreatePartitions.response, version, ok),
      );
      expect(parsed).toEqual({
        ...(version === 1 ? { throttleTime: 0, clientSideThrottleTime: 6 } : { throttleTime: 6 }),
        topicErrors: ok.results.map((r) => ({ topic: r.name, errorCode: 0, errorMessage: r.errorMessage })),
      });
    });
  });
});
