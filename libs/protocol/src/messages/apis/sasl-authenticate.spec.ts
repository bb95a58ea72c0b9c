import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { SaslAuthenticate } from './sasl-authenticate.js';
import { encodeWithKafkajs, kafkajsProtocolModule, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof SaslAuthenticate> = { authBytes: Buffer.from('\0alice\0secret') };

const response: ResponseOf<typeof SaslAuthenticate> = {
  errorCode: 58,
  errorMessage: 'Authentication failed: Invalid username or password',
  authBytes: Buffer.from('server-final'),
  sessionLifetimeMs: 3600000n,
};

describe('SaslAuthenticate', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(SaslAuthenticate, request, response);
    expectApiRoundTrip(SaslAuthenticate, { authBytes: Buffer.alloc(0) }, { ...response, errorMessage: null });
  });

  it('decodes a v1 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '0000', // errorCode 0
        'ffff', // errorMessage null
        '00000002' + 'abcd', // authBytes: int32 length 2
        '00000000000003e8', // sessionLifetimeMs 1000
      ].join(''),
      'hex',
    );
    expect(decode(SaslAuthenticate.response, 1, bytes)).toEqual({
      errorCode: 0,
      errorMessage: null,
      authBytes: Buffer.from('abcd', 'hex'),
      sessionLifetimeMs: 1000n,
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(SaslAuthenticate.request, request);
    expectEveryTruncationToThrow(SaslAuthenticate.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];

    it.each(kafkajsVersions)(
      'decodes the v%i request kafkajs encodes around its PLAIN token',
      async (version) => {
        const plain =
          kafkajsProtocolModule<(options: object) => { encode(): Promise<Buffer> }>('sasl/plain/request.js');
        const token = await plain({ username: 'alice', password: 'secret' }).encode();
        const body = await encodeWithKafkajs('saslAuthenticate', version, { authBytes: token });
        expect(decode(SaslAuthenticate.request, version, body)).toEqual(request);
      },
    );

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, errorCode: 0, errorMessage: null };
      const parsed = await parseWithKafkajs(
        'saslAuthenticate',
        version,
        encode(SaslAuthenticate.response, version, ok),
      );
      expect(parsed).toEqual({
        errorCode: 0,
        errorMessage: null,
        // kafkajs hands the token on with its int32 length prefix, as its mechanisms expect
        authBytes: Buffer.concat([Buffer.from('0000000c', 'hex'), Buffer.from('server-final')]),
        ...(version === 1 ? { sessionLifetimeMs: '3600000' } : {}),
      });
    });

    it('has kafkajs report the failure message we send', async () => {
      await expect(
        parseWithKafkajs('saslAuthenticate', 1, encode(SaslAuthenticate.response, 1, response)),
      ).rejects.toMatchObject({ type: 'SASL_AUTHENTICATION_FAILED', message: response.errorMessage });
    });
  });
});
