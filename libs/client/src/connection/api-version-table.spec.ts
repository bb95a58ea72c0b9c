import { ApiVersions, ErrorCode, Fetch, KafkaError, Metadata, Produce } from '@runnel/protocol';
import { ApiVersionTable } from './api-version-table.js';

const FETCH_ABOVE_CLIENT = Fetch.request.validVersions.max + 1;

describe('ApiVersionTable', () => {
  const table = new ApiVersionTable('10.0.0.1:9092', [
    { apiKey: Produce.apiKey, minVersion: 3, maxVersion: 11 },
    { apiKey: Metadata.apiKey, minVersion: 0, maxVersion: 4 },
    // A broker newer than this client: its lowest Fetch is above the highest the client speaks.
    { apiKey: Fetch.apiKey, minVersion: FETCH_ABOVE_CLIENT, maxVersion: FETCH_ABOVE_CLIENT + 5 },
    { apiKey: 9999, minVersion: 0, maxVersion: 1 },
  ]);

  it('chooses the highest version both sides serve', () => {
    expect(table.versionFor(Produce)).toBe(Produce.request.validVersions.max);
    expect(table.versionFor(Metadata)).toBe(4);
    expect(table.supports(Metadata)).toBe(true);
  });

  it('refuses with UNSUPPORTED_VERSION naming both ranges when none is common', () => {
    expect(table.supports(Fetch)).toBe(false);
    const error = (() => {
      try {
        table.versionFor(Fetch);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((error as KafkaError).message).toBe(
      `broker 10.0.0.1:9092: UNSUPPORTED_VERSION (35): Fetch (key 1): this client speaks v0-${Fetch.request.validVersions.max}, the broker serves v${FETCH_ABOVE_CLIENT}-${FETCH_ABOVE_CLIENT + 5}`,
    );
  });

  it('says so when the broker does not serve an API at all', () => {
    expect(() => table.versionFor(ApiVersions)).toThrow(
      'ApiVersions (key 18): this client speaks v0-3, the broker does not serve it',
    );
  });
});
