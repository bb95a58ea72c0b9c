import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { AlterConfigs } from './alter-configs.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { encodeWithPlatformatic, parseWithPlatformatic } from './test-support/platformatic.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof AlterConfigs> = {
  resources: [
    {
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        { name: 'retention.ms', value: '3600000' },
        { name: 'cleanup.policy', value: 'compact' },
      ],
    },
    { resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', value: null }] },
  ],
  validateOnly: true,
};

const response: ResponseOf<typeof AlterConfigs> = {
  throttleTimeMs: 7,
  responses: [
    { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
    {
      errorCode: 40,
      errorMessage: 'Unknown topic config name: retention.bytez',
      resourceType: 2,
      resourceName: 'b',
    },
  ],
};

describe('AlterConfigs', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(AlterConfigs, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    const bytes = encode(AlterConfigs.request, 0, {
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', value: null }] }],
      validateOnly: false,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // resources: 1
        '02', // resourceType 2 (topic)
        '0001' + '74', // resourceName "t"
        '00000001', // configs: 1
        '0001' + '61', // name "a"
        'ffff', // value null
        '00', // validateOnly false
      ].join(''),
    );
  });

  it('encodes a v2 request byte for byte, compact and tagged', () => {
    const bytes = encode(AlterConfigs.request, 2, {
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', value: 'b' }] }],
      validateOnly: true,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '02', // resources: 1 (compact, n + 1)
        '02', // resourceType 2 (topic)
        '02' + '74', // resourceName "t"
        '02', // configs: 1
        '02' + '61', // name "a"
        '02' + '62', // value "b"
        '00', // config's tagged fields
        '00', // resource's tagged fields
        '01', // validateOnly true
        '00', // request's tagged fields
      ].join(''),
    );
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(AlterConfigs.request, request);
    expectEveryTruncationToThrow(AlterConfigs.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('alterConfigs', version, {
        resources: request.resources.map((r) => ({
          type: r.resourceType,
          name: r.resourceName,
          configEntries: r.configs,
        })),
        validateOnly: request.validateOnly,
      });
      expect(decode(AlterConfigs.request, version, body)).toEqual(request);
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, responses: response.responses.map((r) => ({ ...r, errorCode: 0 })) };
      const parsed = await parseWithKafkajs(
        'alterConfigs',
        version,
        encode(AlterConfigs.response, version, ok),
      );
      expect(parsed).toEqual({
        ...(version === 1 ? { throttleTime: 0, clientSideThrottleTime: 7 } : { throttleTime: 7 }),
        resources: ok.responses,
      });
    });

    it('has kafkajs raise the error code of a refused resource', async () => {
      await expect(
        parseWithKafkajs('alterConfigs', 0, encode(AlterConfigs.response, 0, response)),
      ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    });
  });

  // kafkajs stops at v1; @platformatic/kafka speaks the flexible v2.
  describe('against @platformatic/kafka', () => {
    it('writes the v2 request it writes', () => {
      const ours = encode(AlterConfigs.request, 2, request);
      const theirs = encodeWithPlatformatic('alterConfigsV2', request.resources, request.validateOnly);
      expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      expect(decode(AlterConfigs.request, 2, theirs)).toEqual(request);
    });

    it('has it parse the v2 response we encode, errors included', () => {
      const parsed = parseWithPlatformatic(
        'alterConfigsV2',
        AlterConfigs.apiKey,
        2,
        encode(AlterConfigs.response, 2, response),
      );
      expect(parsed).toEqual(response);
    });
  });
});
