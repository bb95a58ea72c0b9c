import type { QuotaKey } from './client-quota-entity.js';
import type { ClientQuotaManager } from './client-quota-manager.js';

const PRODUCE = 0;
const FETCH = 1;
/** SaslHandshake and SaslAuthenticate: requests of a connection not yet authenticated, never throttled. */
const UNTHROTTLED = new Set([17, 36]);

/** One response's use of its client's quotas, as the router measures it. */
export interface ResponseUse {
  readonly apiKey: number;
  readonly user: string;
  readonly clientId: string;
  /** The request's frame, size prefix included: what producer_byte_rate counts. */
  readonly requestBytes: number;
  /** The response's frame: what consumer_byte_rate counts. */
  readonly responseBytes: number;
  /** Time the broker spent on the request (not time it waited): what request_percentage counts. */
  readonly busyMs: number;
}

/**
 * The throttle time of one response (0: none), as Kafka's KafkaApis decides it: every request
 * counts against request_percentage, a Produce's request bytes against producer_byte_rate and a
 * Fetch's response bytes against consumer_byte_rate; the response is throttled for the larger of
 * the two.
 *
 * Unlike Kafka, a throttled Fetch keeps its data: Kafka sends it empty and takes its bytes back,
 * which is safe only because it also caps every Fetch at the quota's window of bytes
 * (`getMaxValueInQuotaWindow`); without that cap a response larger than the window would be
 * emptied forever. Here the data goes out, counted, and the mute holds the consumer to its rate.
 */
export function responseThrottleMs(quotas: ClientQuotaManager, use: ResponseUse): number {
  const { apiKey, user, clientId } = use;
  if (UNTHROTTLED.has(apiKey)) return 0;
  const requestMs = quotas.record('request_percentage', user, clientId, use.busyMs);
  let bytesKey: QuotaKey | undefined;
  let bytes = 0;
  if (apiKey === PRODUCE) {
    bytesKey = 'producer_byte_rate';
    bytes = use.requestBytes;
  } else if (apiKey === FETCH) {
    bytesKey = 'consumer_byte_rate';
    bytes = use.responseBytes;
  }
  const bytesMs = bytesKey === undefined ? 0 : quotas.record(bytesKey, user, clientId, bytes);
  const throttleMs = Math.max(requestMs, bytesMs);
  if (throttleMs === 0) return 0;
  if (requestMs > 0) quotas.throttled('request_percentage', user, clientId, requestMs);
  if (bytesKey !== undefined && bytesMs > 0) quotas.throttled(bytesKey, user, clientId, bytesMs);
  return throttleMs;
}
