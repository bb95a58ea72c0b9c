import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { Heartbeat } from './heartbeat.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  generationId: 7,
  memberId: 'consumer-1-7f3a',
  groupInstanceId: 'orders-host-1',
};

const response = { throttleTimeMs: 30, errorCode: 27 };

describe('Heartbeat', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(Heartbeat, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    const bytes = encode(Heartbeat.request, 0, { groupId: 'g', generationId: 3, memberId: 'm' });
    expect(bytes.toString('hex')).toBe(
      [
        '000167', // groupId: int16 length 1, "g"
        '00000003', // generationId 3
        '00016d', // memberId: int16 length 1, "m"
      ].join(''),
    );
  });

  it('decodes a v3 request with a null groupInstanceId byte for byte', () => {
    const bytes = Buffer.from(['000167', 'ffffffff', '0000', 'ffff'].join(''), 'hex');
    expect(decode(Heartbeat.request, 3, bytes)).toEqual({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
    });
  });

  it.each(kafkajsVersions('heartbeat'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('heartbeat', version, {
      groupId: request.groupId,
      groupGenerationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    expect([apiKey, apiVersion]).toEqual([Heartbeat.apiKey, version]);
    expect(decode(Heartbeat.request, version, body)).toEqual(
      projectToVersion(Heartbeat.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('heartbeat'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, errorCode: 0 };
    const parsed = await parseWithKafkajs('heartbeat', version, encode(Heartbeat.response, version, ok));
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 1, clientSideSince: 2 }),
      errorCode: 0,
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(Heartbeat.request, request);
    expectEveryTruncationToThrow(Heartbeat.response, response);
  });
});
