import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { IncrementalAlterConfigs } from './incremental-alter-configs.js';
import { encodeWithPlatformatic, parseWithPlatformatic } from './test-support/platformatic.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof IncrementalAlterConfigs> = {
  resources: [
    {
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        { name: 'retention.ms', configOperation: 0, value: '3600000' },
        { name: 'segment.bytes', configOperation: 1, value: null },
      ],
    },
    { resourceType: 4, resourceName: '1', configs: [] },
  ],
  validateOnly: true,
};

const response: ResponseOf<typeof IncrementalAlterConfigs> = {
  throttleTimeMs: 7,
  responses: [
    { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
    {
      errorCode: 40,
      errorMessage: 'Invalid value x for configuration retention.ms',
      resourceType: 2,
      resourceName: 'b',
    },
  ],
};

describe('IncrementalAlterConfigs', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(IncrementalAlterConfigs, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    const bytes = encode(IncrementalAlterConfigs.request, 0, {
      resources: [
        { resourceType: 2, resourceName: 't', configs: [{ name: 'a', configOperation: 1, value: null }] },
      ],
      validateOnly: false,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // resources: 1
        '02', // resourceType 2 (topic)
        '0001' + '74', // resourceName "t"
        '00000001', // configs: 1
        '0001' + '61', // name "a"
        '01', // configOperation 1 (DELETE)
        'ffff', // value null
        '00', // validateOnly false
      ].join(''),
    );
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(IncrementalAlterConfigs.request, request);
    expectEveryTruncationToThrow(IncrementalAlterConfigs.response, response);
  });

  // kafkajs has only the non-incremental AlterConfigs (key 33); @platformatic/kafka speaks v1.
  describe('against @platformatic/kafka', () => {
    it('writes the v1 request it writes', () => {
      const ours = encode(IncrementalAlterConfigs.request, 1, request);
      const theirs = encodeWithPlatformatic(
        'incrementalAlterConfigsV1',
        request.resources,
        request.validateOnly,
      );
      expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      expect(decode(IncrementalAlterConfigs.request, 1, theirs)).toEqual(request);
    });

    it('has it parse the v1 response we encode, errors included', () => {
      const parsed = parseWithPlatformatic(
        'incrementalAlterConfigsV1',
        IncrementalAlterConfigs.apiKey,
        1,
        encode(IncrementalAlterConfigs.response, 1, response),
      );
      expect(parsed).toEqual(response);
    });
  });
});
