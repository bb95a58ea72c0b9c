import type { Reader } from '../bytes/reader.js';
import type { Writer } from '../bytes/writer.js';
import { specialise } from './codec.js';
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

/**
 * Every request's header prefix is read at v1 and every non-flexible response's header written at
 * v0: both by hand (see HandWritten in codec.ts), through the Reader and Writer calls the compiled
 * codec makes, in its order, so values, bytes and errors are the same.
 */
specialise(RequestHeader, (version) =>
  version === 1
    ? {
        decode: (r: Reader) => {
          const requestApiKey = r.int16('RequestHeader.requestApiKey');
          const requestApiVersion = r.int16('RequestHeader.requestApiVersion');
          const correlationId = r.int32('RequestHeader.correlationId');
          return {
            requestApiKey,
            requestApiVersion,
            correlationId,
            clientId: r.nullableString('RequestHeader.clientId'),
          };
        },
      }
    : undefined,
);
specialise(ResponseHeader, (version) =>
  version === 0
    ? {
        encode: (w: Writer, value: unknown) => {
          const { correlationId } = (value ?? {}) as { correlationId?: number };
          w.int32(correlationId === undefined ? 0 : correlationId);
        },
      }
    : undefined,
);
