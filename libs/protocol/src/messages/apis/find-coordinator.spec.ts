import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { FindCoordinator } from './find-coordinator.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof FindCoordinator> = {
  key: 'checkout-tx',
  keyType: 1,
  coordinatorKeys: ['checkout-tx', 'refund-tx'],
};

const response: ResponseOf<typeof FindCoordinator> = {
  throttleTimeMs: 5,
  errorCode: 15,
  errorMessage: null,
  nodeId: 2,
  host: 'broker-2.internal',
  port: 9093,
  coordinators: [
    {
      key: 'checkout-tx',
      nodeId: 2,
      host: 'broker-2.internal',
      port: 9093,
      errorCode: 0,
      errorMessage: null,
    },
    { key: 'refund-tx', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not available' },
  ],
};

describe('FindCoordinator', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(FindCoordinator, request, response);
    expectApiRoundTrip(FindCoordinator, request, { ...response, errorMessage: 'loading' });
  });

  it('encodes a v1 request byte for byte', () => {
    // key: int16 length 1, "g" | keyType 0 (group)
    expect(encode(FindCoordinator.request, 1, { key: 'g', keyType: 0 }).toString('hex')).toBe(
      '0001' + '67' + '00',
    );
  });

  it('decodes a v0 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '0000', // errorCode 0
        '00000001', // nodeId 1
        '0001' + '68', // host "h"
        '00002384', // port 9092
      ].join(''),
      'hex',
    );
    expect(decode(FindCoordinator.response, 0, bytes)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: '',
      nodeId: 1,
      host: 'h',
      port: 9092,
      coordinators: [],
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(FindCoordinator.request, request);
    expectEveryTruncationToThrow(FindCoordinator.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const args =
        version === 0 ? { groupId: 'checkout' } : { coordinatorKey: 'checkout-tx', coordinatorType: 1 };
      const body = await encodeWithKafkajs('findCoordinator', version, args);
      expect(decode(FindCoordinator.request, version, body)).toEqual(
        version === 0
          ? { key: 'checkout', keyType: 0, coordinatorKeys: [] }
          : { key: 'checkout-tx', keyType: 1, coordinatorKeys: [] },
      );
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, errorCode: 0, errorMessage: 'none' };
      const parsed = await parseWithKafkajs(
        'findCoordinator',
        version,
        encode(FindCoordinator.response, version, ok),
      );
      const coordinator = { nodeId: 2, host: 'broker-2.internal', port: 9093 };
      expect(parsed).toEqual(
        version === 0
          ? { errorCode: 0, coordinator }
          : {
              ...(version === 2 ? { throttleTime: 0, clientSideThrottleTime: 5 } : { throttleTime: 5 }),
              errorCode: 0,
              errorMessage: 'none',
              coordinator,
            },
      );
    });
  });
});
