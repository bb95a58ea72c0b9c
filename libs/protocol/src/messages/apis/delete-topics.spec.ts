import { ProtocolError } from '../../errors/protocol-error.js';
import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { DeleteTopics } from './delete-topics.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof DeleteTopics> = { topicNames: ['orders', 'payments'], timeoutMs: 15000 };

const response: ResponseOf<typeof DeleteTopics> = {
  throttleTimeMs: 8,
  responses: [
    { name: 'orders', errorCode: 0 },
    { name: 'payments', errorCode: 3 },
  ],
};

describe('DeleteTopics', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DeleteTopics, request, response);
  });

  it('decodes a v1 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '00000000', // throttleTimeMs 0
        '00000001', // responses: 1
        '0001' + '74', // name "t"
        '0029', // errorCode 41 (NOT_CONTROLLER)
      ].join(''),
      'hex',
    );
    expect(decode(DeleteTopics.response, 1, bytes)).toEqual({
      throttleTimeMs: 0,
      responses: [{ name: 't', errorCode: 41 }],
    });
  });

  it('cannot send a null topic name before v6', () => {
    for (let version = 0; version <= 3; version++) {
      expect(() =>
        encode(DeleteTopics.response, version, { responses: [{ name: null, errorCode: 0 }] }),
      ).toThrow(ProtocolError);
    }
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(DeleteTopics.request, request);
    expectEveryTruncationToThrow(DeleteTopics.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('deleteTopics', version, {
        topics: ['orders', 'payments'],
        timeout: 15000,
      });
      expect(decode(DeleteTopics.request, version, body)).toEqual(request);
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, responses: response.responses.map((r) => ({ ...r, errorCode: 0 })) };
      const parsed = await parseWithKafkajs(
        'deleteTopics',
        version,
        encode(DeleteTopics.response, version, ok),
      );
      expect(parsed).toEqual({
        ...(version === 1 ? { throttleTime: 0, clientSideThrottleTime: 8 } : {}),
        topicErrors: [
          { topic: 'orders', errorCode: 0 },
          { topic: 'payments', errorCode: 0 },
        ],
      });
    });
  });
});
