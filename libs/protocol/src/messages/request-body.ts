import { Reader } from '../bytes/reader.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeFrom } from './codec.js';
import { type RequestHeaderData, requestHeaderVersion } from './frames.js';
import { RequestHeader } from './headers.js';
import { type Api, message } from './schema.js';

/**
 * A request header decoded once, in two steps: the prefix (key, version, correlation id, client
 * id), whose layout is the same in every header version and so can be read before the API is
 * known, then, with the API known, the rest of the request from where the prefix ended.
 */
export interface RequestHeaderPrefix {
  readonly header: RequestHeaderData;
  /** Offset in the frame of the first byte after the prefix. */
  readonly end: number;
}

/** What follows the prefix in a v2 (flexible) request header: tagged fields, none of them known. */
const RequestHeaderTaggedFields = message({
  name: 'RequestHeader',
  validVersions: '2',
  flexibleVersions: '2',
  fields: [],
});

/** Reads the header prefix of a request frame (without its size prefix). */
export function readRequestHeaderPrefix(frame: Buffer): RequestHeaderPrefix {
  const r = new Reader(frame);
  const header = decodeFrom(r, RequestHeader, 1);
  return { header, end: r.offset };
}

/**
 * Decodes the rest of a request whose prefix was read by `readRequestHeaderPrefix` and whose key
 * is `api`'s: the header's tagged fields when the version is flexible, then the body at the
 * header's version. Bytes left after the body are an error, as in `decodeRequestFrame`.
 */
export function decodeRequestBody<Req>(
  api: Api<Req, unknown>,
  frame: Buffer,
  prefix: RequestHeaderPrefix,
): Req {
  const version = prefix.header.requestApiVersion;
  const r = new Reader(frame, prefix.end);
  if (requestHeaderVersion(api as Api<unknown, unknown>, version) === 2) {
    decodeFrom(r, RequestHeaderTaggedFields, 2);
  }
  const body = decodeFrom(r, api.request, version);
  if (r.remaining !== 0) {
    throw new ProtocolError(
      `${r.remaining} byte(s) left over after the request`,
      `${api.request.name} v${version}`,
    );
  }
  return body;
}
