import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { DeleteGroups } from './delete-groups.js';
import { kafkajsRequestBody, kafkajsVersions, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = { groupsNames: ['orders', 'billing', 'audit'] };

const response = {
  throttleTimeMs: 90,
  results: [
    { groupId: 'orders', errorCode: 68 },
    { groupId: 'billing', errorCode: 0 },
    { groupId: 'audit', errorCode: 69 },
  ],
};

describe('DeleteGroups', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DeleteGroups, request, response);
  });

  it('encodes a v0 response byte for byte', () => {
    const bytes = encode(DeleteGroups.response, 0, {
      throttleTimeMs: 0,
      results: [{ groupId: 'g', errorCode: 68 }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000000', // throttleTimeMs 0
        '00000001', // results: int32 count 1
        '000167', // [0].groupId: int16 length 1, "g"
        '0044', // [0].errorCode 68 (NON_EMPTY_GROUP)
      ].join(''),
    );
  });

  it.each(kafkajsVersions('deleteGroups'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody(
      'deleteGroups',
      version,
      request.groupsNames,
    );
    expect([apiKey, apiVersion]).toEqual([DeleteGroups.apiKey, version]);
    expect(decode(DeleteGroups.request, version, body)).toEqual(
      projectToVersion(DeleteGroups.request.struct, version, request),
    );
  });

  // At v1 kafkajs adds `throttleTime: 0` beside throttleTimeMs (and an undefined clientSideThrottleTime).
  it.each(kafkajsVersions('deleteGroups'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, results: response.results.map((r) => ({ ...r, errorCode: 0 })) };
    const parsed = await parseWithKafkajs(
      'deleteGroups',
      version,
      encode(DeleteGroups.response, version, ok),
    );
    expect(parsed).toEqual({
      ...(version >= 1 ? { throttleTime: 0 } : {}),
      throttleTimeMs: ok.throttleTimeMs,
      results: ok.results,
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(DeleteGroups.request, request);
    expectEveryTruncationToThrow(DeleteGroups.response, response);
  });
});
