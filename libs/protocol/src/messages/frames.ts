import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeFrom, encodeInto } from './codec.js';
import { RequestHeader, ResponseHeader } from './headers.js';
import { type Api, type InputOf, inRange } from './schema.js';

/**
 * Framing of requests and responses on a Kafka connection: every frame is an int32 size followed
 * by that many bytes, a header, then the body. Which header version goes with a body depends on
 * whether the body's version is flexible; ApiVersions responses always use header v0, so a client
 * can read the error even when it asked for a version the broker does not know.
 */

const API_VERSIONS_KEY = 18;

/** Bytes of the int32 size that precedes every frame. */
export const FRAME_SIZE_PREFIX = 4;

export function requestHeaderVersion(api: Api<unknown, unknown>, version: number): number {
  return inRange(api.request.flexibleVersions, version) ? 2 : 1;
}

export function responseHeaderVersion(api: Api<unknown, unknown>, version: number): number {
  if (api.apiKey === API_VERSIONS_KEY) return 0;
  return inRange(api.response.flexibleVersions, version) ? 1 : 0;
}

export interface RequestHeaderData {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Encodes a whole request frame, size prefix included. */
export function encodeRequestFrame<Req>(
  api: Api<Req, unknown>,
  version: number,
  header: { correlationId: number; clientId?: string | null },
  body: InputOf<Req>,
): Buffer {
  const w = new Writer(512);
  w.int32(0);
  encodeInto(w, RequestHeader, requestHeaderVersion(api as Api<unknown, unknown>, version), {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
  });
  encodeInto(w, api.request, version, body);
  return w.patchInt32(0, w.length - FRAME_SIZE_PREFIX).finish();
}

/**
 * Reads the start of a request header (key, version, correlation id, client id) from a frame
 * without its size prefix. This part of the header has the same layout in every header version,
 * so it can be read before knowing whether the API and version are supported.
 */
export function decodeRequestHeaderPrefix(frame: Buffer): RequestHeaderData {
  return decodeFrom(new Reader(frame), RequestHeader, 1);
}

/**
 * Decodes a request frame (without its size prefix) whose header says it is `api`: the header at
 * the version the body implies, then the body. Bytes left after the body are an error.
 */
export function decodeRequestFrame<Req>(
  api: Api<Req, unknown>,
  frame: Buffer,
): { header: RequestHeaderData; body: Req } {
  const r = new Reader(frame);
  const version = new Reader(frame, 2).int16('RequestHeader.requestApiVersion');
  const header = decodeFrom(r, RequestHeader, requestHeaderVersion(api as Api<unknown, unknown>, version));
  const body = decodeFrom(r, api.request, version);
  if (r.remaining !== 0) {
    throw new ProtocolError(
      `${r.remaining} byte(s) left over after the request`,
      `${api.request.name} v${version}`,
    );
  }
  return { header, body };
}

/** Encodes a whole response frame, size prefix included. */
export function encodeResponseFrame<Res>(
  api: Api<unknown, Res>,
  version: number,
  correlationId: number,
  body: InputOf<Res>,
): Buffer {
  const w = new Writer(256);
  w.int32(0);
  encodeInto(w, ResponseHeader, responseHeaderVersion(api as Api<unknown, unknown>, version), {
    correlationId,
  });
  encodeInto(w, api.response, version, body);
  return w.patchInt32(0, w.length - FRAME_SIZE_PREFIX).finish();
}

/** Decodes a response frame (without its size prefix) for a request of `api` at `version`. */
export function decodeResponseFrame<Res>(
  api: Api<unknown, Res>,
  version: number,
  frame: Buffer,
): { correlationId: number; body: Res } {
  const r = new Reader(frame);
  const { correlationId } = decodeFrom(
    r,
    ResponseHeader,
    responseHeaderVersion(api as Api<unknown, unknown>, version),
  );
  const body = decodeFrom(r, api.response, version);
  if (r.remaining !== 0) {
    throw new ProtocolError(
      `${r.remaining} byte(s) left over after the response`,
      `${api.response.name} v${version}`,
    );
  }
  return { correlationId, body };
}
