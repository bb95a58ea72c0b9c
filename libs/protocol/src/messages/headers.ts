import { field, message, t } from './schema.js';

/**
 * Request header: v1 for every non-flexible request version, v2 (tagged fields) for flexible
 * ones. clientId keeps the classic int16-length form even in v2, so that a broker of any age can
 * read the header of an ApiVersions request whose body it cannot parse.
 */
export const RequestHeader = message({
  name: 'RequestHeader',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    field('requestApiKey', t.int16),
    field('requestApiVersion', t.int16),
    field('correlationId', t.int32),
    field('clientId', t.string, { versions: '1+', nullable: '1+', flexibleVersions: 'none', default: null }),
  ],
});

/** Response header: v0 for non-flexible versions and for every ApiVersions response, else v1. */
export const ResponseHeader = message({
  name: 'ResponseHeader',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [field('correlationId', t.int32)],
});
