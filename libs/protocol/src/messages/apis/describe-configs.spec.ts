import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { DescribeConfigs } from './describe-configs.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof DescribeConfigs> = {
  resources: [
    { resourceType: 2, resourceName: 'orders', configurationKeys: ['cleanup.policy', 'retention.ms'] },
    { resourceType: 4, resourceName: '1', configurationKeys: null },
  ],
  includeSynonyms: true,
};

const response: ResponseOf<typeof DescribeConfigs> = {
  throttleTimeMs: 12,
  results: [
    {
      errorCode: 0,
      errorMessage: null,
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        {
          name: 'cleanup.policy',
          value: 'compact',
          readOnly: false,
          isDefault: true,
          configSource: 1,
          isSensitive: false,
          synonyms: [
            { name: 'cleanup.policy', value: 'compact', source: 1 },
            { name: 'log.cleanup.policy', value: null, source: 5 },
          ],
        },
        {
          name: 'ssl.key.password',
          value: null,
          readOnly: true,
          isDefault: false,
          configSource: 4,
          isSensitive: true,
          synonyms: [],
        },
      ],
    },
    { errorCode: 29, errorMessage: 'not authorized', resourceType: 4, resourceName: '2', configs: [] },
  ],
};

describe('DescribeConfigs', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DescribeConfigs, request, response);
  });

  it('encodes a v1 request for every key of a topic byte for byte', () => {
    const bytes = encode(DescribeConfigs.request, 1, {
      resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
      includeSynonyms: false,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // resources: 1
        '02', // resourceType 2 (topic)
        '0001' + '74', // resourceName "t"
        'ffffffff', // configurationKeys null: all of them
        '00', // includeSynonyms false
      ].join(''),
    );
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(DescribeConfigs.request, request);
    expectEveryTruncationToThrow(DescribeConfigs.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('describeConfigs', version, {
        resources: request.resources.map((r) => ({
          type: r.resourceType,
          name: r.resourceName,
          configNames: r.configurationKeys ?? [],
        })),
        includeSynonyms: request.includeSynonyms,
      });
      expect(decode(DescribeConfigs.request, version, body)).toEqual(
        projectToVersion(DescribeConfigs.request.struct, version, request),
      );
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, results: response.results.map((r) => ({ ...r, errorCode: 0 })) };
      const parsed = await parseWithKafkajs(
        'describeConfigs',
        version,
        encode(DescribeConfigs.response, version, ok),
      );
      expect(parsed).toEqual({
        ...(version === 2 ? { throttleTime: 0, clientSideThrottleTime: 12 } : { throttleTime: 12 }),
        resources: ok.results.map((r) => ({
          errorCode: 0,
          errorMessage: r.errorMessage,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configEntries: r.configs.map((c) => ({
            configName: c.name,
            configValue: c.value,
            readOnly: c.readOnly,
            // v0 carries isDefault and kafkajs infers the source from it and the resource type
            isDefault: version === 0 ? c.isDefault : c.configSource === 5,
            configSource: version === 0 ? (c.isDefault ? 5 : r.resourceType === 2 ? 1 : 4) : c.configSource,
            isSensitive: c.isSensitive,
            ...(version >= 1
              ? {
                  configSynonyms: c.synonyms.map((s) => ({
                    configName: s.name,
                    configValue: s.value,
                    configSource: s.source,
                  })),
                }
              : {}),
          })),
        })),
      });
    });
  });
});
