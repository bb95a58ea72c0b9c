import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { InitProducerId } from './init-producer-id.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof InitProducerId> = {
  transactionalId: 'checkout-tx',
  transactionTimeoutMs: 60000,
  producerId: 4242n,
  producerEpoch: 7,
};

const response: ResponseOf<typeof InitProducerId> = {
  throttleTimeMs: 3,
  errorCode: 0,
  producerId: 9007199254740993n,
  producerEpoch: 4,
};

describe('InitProducerId', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(InitProducerId, request, { ...response, errorCode: 51 });
    expectApiRoundTrip(InitProducerId, { ...request, transactionalId: null }, response);
  });

  it('encodes an idempotent (non-transactional) v1 request byte for byte', () => {
    // transactionalId null | transactionTimeoutMs 60000
    expect(
      encode(InitProducerId.request, 1, { transactionalId: null, transactionTimeoutMs: 60000 }).toString(
        'hex',
      ),
    ).toBe('ffff' + '0000ea60');
  });

  it('decodes a v0 response byte for byte', () => {
    // throttleTimeMs 0 | errorCode 0 | producerId 1000 | producerEpoch 0
    const bytes = Buffer.from('00000000' + '0000' + '00000000000003e8' + '0000', 'hex');
    expect(decode(InitProducerId.response, 0, bytes)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 1000n,
      producerEpoch: 0,
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(InitProducerId.request, request);
    expectEveryTruncationToThrow(InitProducerId.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('initProducerId', version, {
        transactionalId: 'checkout-tx',
        transactionTimeout: 60000,
      });
      expect(decode(InitProducerId.request, version, body)).toEqual({
        ...request,
        producerId: -1n,
        producerEpoch: -1,
      });
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const parsed = await parseWithKafkajs(
        'initProducerId',
        version,
        encode(InitProducerId.response, version, response),
      );
      expect(parsed).toEqual({
        ...(version === 1 ? { throttleTime: 0, clientSideThrottleTime: 3 } : { throttleTime: 3 }),
        errorCode: 0,
        producerId: '9007199254740993',
        producerEpoch: 4,
      });
    });
  });
});
