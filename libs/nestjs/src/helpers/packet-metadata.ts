import type { PacketMetadata } from '@nestjs/microservices';
import { RunnelHeaders } from '../enums/runnel-headers.enum.js';
import { type DecodedHeaders, headerValue } from './record-codec.js';

/** W3C Trace Context `traceparent`: version, 32-hex trace id, 16-hex parent id, flags; ids not all zero. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** `value` if it is a well-formed W3C traceparent (version ff is invalid, ids must not be all zeros). */
export function validTraceparent(value: string | undefined): string | undefined {
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId] = match;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return value!.trim();
}

/**
 * Headers that carry a packet's metadata: the whole of it as JSON under `kafka_nest-metadata`,
 * and `traceparent`/`tracestate` also as the W3C headers of their own, so tracing tools that read
 * Kafka headers (and Transport.KAFKA consumers) see them without knowing this transport.
 */
export function metadataHeaders(metadata: PacketMetadata | undefined): Record<string, string> {
  if (metadata === undefined || Object.keys(metadata).length === 0) return {};
  const headers: Record<string, string> = { [RunnelHeaders.NEST_METADATA]: JSON.stringify(metadata) };
  const traceparent = validTraceparent(metadata[RunnelHeaders.TRACEPARENT]);
  if (traceparent !== undefined) headers[RunnelHeaders.TRACEPARENT] = traceparent;
  const tracestate = metadata[RunnelHeaders.TRACESTATE];
  if (traceparent !== undefined && tracestate !== undefined) headers[RunnelHeaders.TRACESTATE] = tracestate;
  return headers;
}

/**
 * A record's packet metadata: the JSON of `kafka_nest-metadata` (string values only), with the
 * W3C `traceparent` and `tracestate` headers added when the producer set them as headers only.
 * Undefined when the record carries none.
 */
export function readMetadata(headers: DecodedHeaders): PacketMetadata | undefined {
  const metadata: PacketMetadata = {};
  const json = headerValue(headers, RunnelHeaders.NEST_METADATA);
  if (json !== undefined) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [name, value] of Object.entries(parsed))
          if (typeof value === 'string') metadata[name] = value;
      }
    } catch {
      // A malformed metadata header is the producer's bug; the record itself is still delivered.
    }
  }
  const traceparent = validTraceparent(headerValue(headers, RunnelHeaders.TRACEPARENT));
  if (traceparent !== undefined && metadata[RunnelHeaders.TRACEPARENT] === undefined) {
    metadata[RunnelHeaders.TRACEPARENT] = traceparent;
    const tracestate = headerValue(headers, RunnelHeaders.TRACESTATE);
    if (tracestate !== undefined) metadata[RunnelHeaders.TRACESTATE] = tracestate;
  }
  return Object.keys(metadata).length === 0 ? undefined : metadata;
}
