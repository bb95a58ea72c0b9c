import { type Api, encodeResponseChunks, inRange } from '@runnel/protocol';
import type { ConnectionInfo, RequestContext } from '../../handlers/api-handler.js';
import { type ResponseFrame, responseFrameBytes } from '../../network/kafka-connection.js';
import { quotaUser } from './client-quota-entity.js';
import type { ClientQuotaManager } from './client-quota-manager.js';
import { responseThrottleMs } from './response-throttle.js';

/** A connection that can stop reading for a while (KafkaConnection.muteFor). */
type MutableConnection = ConnectionInfo & { muteFor?(ms: number): void };

/**
 * Applies client quotas to one response on its way out, as Kafka does since KIP-219: the use is
 * recorded (see responseThrottleMs); over a quota, the response is sent at once with
 * `throttleTimeMs` set and the connection is muted for that long, so
 * the client's next request is not read before the throttle time has passed, whether or not the
 * client honours the field. A response with no body (an acks=0 Produce) only mutes. Returns the
 * frame to send: `frame` itself when not throttled.
 */
export function throttledResponse(
  quotas: ClientQuotaManager,
  api: Api<unknown, unknown>,
  context: RequestContext & { readonly connection: MutableConnection },
  body: unknown,
  frame: ResponseFrame,
  requestBytes: number,
  busyMs: number,
): ResponseFrame {
  const throttleMs = responseThrottleMs(quotas, {
    apiKey: api.apiKey,
    user: quotaUser(context.connection.principal),
    clientId: context.header.clientId ?? '',
    requestBytes,
    responseBytes: responseFrameBytes(frame),
    busyMs,
  });
  if (throttleMs === 0) return frame;
  context.connection.muteFor?.(throttleMs);
  const field = api.response.struct.fields.find((f) => f.name === 'throttleTimeMs');
  if (frame === null || field === undefined || !inRange(field.versions, context.version)) return frame;
  return encodeResponseChunks(api, context.version, context.header.correlationId, {
    ...(body as object),
    throttleTimeMs: throttleMs,
  });
}
