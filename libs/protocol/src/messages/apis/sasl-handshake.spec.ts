import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { SaslHandshake } from './sasl-handshake.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof SaslHandshake> = { mechanism: 'SCRAM-SHA-512' };
const response: ResponseOf<typeof SaslHandshake> = { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] };

describe('SaslHandshake', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(SaslHandshake, request, response);
  });

  it('decodes a v1 response byte for byte', () => {
    // errorCode 0 | mechanisms: array of 1, "PLAIN"
    const bytes = Buffer.from('0000' + '00000001' + '0005' + '504c41494e', 'hex');
    expect(decode(SaslHandshake.response, 1, bytes)).toEqual({ errorCode: 0, mechanisms: ['PLAIN'] });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(SaslHandshake.request, request);
    expectEveryTruncationToThrow(SaslHandshake.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('saslHandshake', version, { mechanism: 'SCRAM-SHA-512' });
      expect(decode(SaslHandshake.request, version, body)).toEqual(request);
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, errorCode: 0 };
      const parsed = await parseWithKafkajs(
        'saslHandshake',
        version,
        encode(SaslHandshake.response, version, ok),
      );
      expect(parsed).toEqual({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    });
  });
});
