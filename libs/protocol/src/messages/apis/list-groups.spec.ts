import { ProtocolError } from '../../errors/protocol-error.js';
import { decode, encode } from '../codec.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { ListGroups } from './list-groups.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const response = {
  throttleTimeMs: 80,
  errorCode: 15,
  groups: [
    { groupId: 'orders', protocolType: 'consumer' },
    { groupId: 'connect-sink', protocolType: 'connect' },
  ],
};

describe('ListGroups', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(ListGroups, {}, response);
  });

  it('has an empty request body, and refuses bytes after it', () => {
    for (const version of [0, 1, 2]) {
      expect({ version, bytes: encode(ListGroups.request, version, {}).length }).toEqual({
        version,
        bytes: 0,
      });
      expect(() => decode(ListGroups.request, version, Buffer.from([0]))).toThrow(ProtocolError);
    }
  });

  it('encodes a v1 response byte for byte', () => {
    const bytes = encode(ListGroups.response, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: 'consumer' }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000000', // throttleTimeMs 0
        '0000', // errorCode 0
        '00000001', // groups: int32 count 1
        '000167', // [0].groupId: int16 length 1, "g"
        '0008636f6e73756d6572', // [0].protocolType: int16 length 8, "consumer"
      ].join(''),
    );
  });

  it.each(kafkajsVersions('listGroups'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('listGroups', version, undefined);
    expect([apiKey, apiVersion]).toEqual([ListGroups.apiKey, version]);
    expect(decode(ListGroups.request, version, body)).toEqual({});
  });

  it.each(kafkajsVersions('listGroups'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, errorCode: 0 };
    const parsed = await parseWithKafkajs('listGroups', version, encode(ListGroups.response, version, ok));
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 1, clientSideSince: 2 }),
      errorCode: 0,
      groups: ok.groups,
    });
  });

  it('reports every truncated response as a ProtocolError', () => {
    expectEveryTruncationToThrow(ListGroups.response, response);
  });
});
