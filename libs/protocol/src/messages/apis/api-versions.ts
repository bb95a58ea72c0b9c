import { api, field, message, t } from '../schema.js';

/** ApiVersions (key 18), v0-3. v3 is flexible; its response header stays v0 at every version. */
export const ApiVersions = api({
  apiKey: 18,
  name: 'ApiVersions',
  request: message({
    name: 'ApiVersionsRequest',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('clientSoftwareName', t.string, { versions: '3+' }),
      field('clientSoftwareVersion', t.string, { versions: '3+' }),
    ],
  }),
  response: message({
    name: 'ApiVersionsResponse',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('errorCode', t.int16),
      field(
        'apiKeys',
        t.array(
          t.struct(field('apiKey', t.int16), field('minVersion', t.int16), field('maxVersion', t.int16)),
        ),
      ),
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field(
        'supportedFeatures',
        t.array(
          t.struct(field('name', t.string), field('minVersion', t.int16), field('maxVersion', t.int16)),
        ),
        { versions: '3+', tag: 0 },
      ),
      field('finalizedFeaturesEpoch', t.int64, { versions: '3+', tag: 1, default: -1n }),
      field(
        'finalizedFeatures',
        t.array(
          t.struct(
            field('name', t.string),
            field('maxVersionLevel', t.int16),
            field('minVersionLevel', t.int16),
          ),
        ),
        { versions: '3+', tag: 2 },
      ),
      field('zkMigrationReady', t.bool, { versions: '3+', tag: 3 }),
    ],
  }),
});
