import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { ApiVersions } from './api-versions.js';

describe('ApiVersions', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(
      ApiVersions,
      { clientSoftwareName: 'runnel', clientSoftwareVersion: '0.1.0' },
      {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 0, maxVersion: 8 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
        ],
        throttleTimeMs: 12,
        supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 7 }],
        finalizedFeaturesEpoch: 3n,
        finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 7, minVersionLevel: 1 }],
        zkMigrationReady: true,
      },
    );
  });
});
