import { ProtocolError } from '../errors/protocol-error.js';
import { ApiVersions } from './apis/api-versions.js';
import { decode, encode } from './codec.js';
import { RequestHeader } from './headers.js';
import { type DataOf, field, message, t } from './schema.js';

describe('generic codec', () => {
  it('encodes request header v1 byte for byte', () => {
    const bytes = encode(RequestHeader, 1, {
      requestApiKey: 18,
      requestApiVersion: 2,
      correlationId: 7,
      clientId: 'ab',
    });
    expect(bytes.toString('hex')).toBe('0012' + '0002' + '00000007' + '0002' + '6162');
  });

  it('keeps clientId non-compact in flexible header v2 and ends with an empty tag section', () => {
    const bytes = encode(RequestHeader, 2, {
      requestApiKey: 18,
      requestApiVersion: 3,
      correlationId: 1,
      clientId: null,
    });
    expect(bytes.toString('hex')).toBe('0012' + '0003' + '00000001' + 'ffff' + '00');
    expect(decode(RequestHeader, 2, bytes)).toEqual({
      requestApiKey: 18,
      requestApiVersion: 3,
      correlationId: 1,
      clientId: null,
    });
  });

  it('writes tagged fields only when they differ from their default, and reads them back', () => {
    const value: DataOf<typeof ApiVersions.response> = {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 8 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    const bytes = encode(ApiVersions.response, 3, value);
    // errorCode, compact array of 1, entry + its empty tags, throttle, 1 tagged field: tag 1, 8 bytes.
    expect(bytes.toString('hex')).toBe(
      '0000' + '02' + '0000' + '0000' + '0008' + '00' + '00000000' + '01' + '01' + '08' + '0000000000000005',
    );
    expect(decode(ApiVersions.response, 3, bytes)).toEqual(value);
  });

  it('skips unknown tagged fields', () => {
    const bytes = Buffer.from('0000' + '01' + '00000000' + '01' + '09' + '02' + 'abcd', 'hex');
    const decoded = decode(ApiVersions.response, 3, bytes);
    expect(decoded.errorCode).toBe(0);
    expect(decoded.finalizedFeaturesEpoch).toBe(-1n);
  });

  it('gives fields absent from a version their default', () => {
    const bytes = encode(ApiVersions.response, 0, { errorCode: 35, apiKeys: [] });
    expect(bytes.toString('hex')).toBe('0023' + '00000000');
    expect(decode(ApiVersions.response, 0, bytes)).toMatchObject({ errorCode: 35, throttleTimeMs: 0 });
  });

  it('refuses null for a field that is not nullable in that version, naming it', () => {
    const Nullable = message({
      name: 'Example',
      validVersions: '0-1',
      flexibleVersions: 'none',
      fields: [field('name', t.string, { nullable: '1+' })],
    });
    expect(() => encode(Nullable, 0, { name: null })).toThrow(/Example\.name/);
    expect(encode(Nullable, 1, { name: null }).toString('hex')).toBe('ffff');
  });

  it('refuses a version outside the valid range', () => {
    expect(() => encode(ApiVersions.request, 4, {})).toThrow(ProtocolError);
  });

  it('rejects an array count larger than the bytes that follow, before allocating', () => {
    const bytes = Buffer.from('0000' + '7fffffff', 'hex');
    expect(() => decode(ApiVersions.response, 0, bytes)).toThrow(/ApiVersionsResponse\.apiKeys/);
  });

  it('rejects bytes left over after a message', () => {
    expect(() => decode(ApiVersions.request, 0, Buffer.from('00', 'hex'))).toThrow(/left over/);
  });
});
