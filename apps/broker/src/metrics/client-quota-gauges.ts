import { Counter, Gauge, type Registry } from 'prom-client';

/** One owner's use of one client quota (ClientQuotaManager.usage). */
export interface ClientQuotaUse {
  readonly sensor: {
    /** producer_byte_rate, consumer_byte_rate or request_percentage. */
    readonly key: string;
    /** The user whose use this is, '' when the quota is shared by every user (a client-id quota). */
    readonly user: string;
    /** The client id, '' when the quota is shared by every client of the user. */
    readonly clientId: string;
    readonly limit: number;
    readonly throttleTimeMs: number;
    readonly throttledResponses: number;
  };
  /** Bytes per second, or percent of one request handler, over the quota window now. */
  readonly rate: number;
}

/**
 * Client quota figures, read at scrape time, with Kafka's tags (`user`, `client-id` as
 * `client_id`; '' where the quota is shared), for every owner measured in the last hour:
 * - `runnel_client_quota_usage{quota}`: the rate the quota compares (bytes/s for the byte
 *   rates, percent for request_percentage; Kafka's byte-rate and request-time metrics);
 * - `runnel_client_quota_limit{quota}`: the quota that applies;
 * - `runnel_client_quota_throttle_time_ms_total{quota}` and
 *   `runnel_client_quota_throttled_responses_total{quota}`: throttle time given, and to how many
 *   responses (Kafka's throttle-time average is their ratio).
 */
export function registerClientQuotaGauges(registry: Registry, usage: () => Iterable<ClientQuotaUse>): void {
  const labelNames = ['quota', 'user', 'client_id'] as const;
  const labels = ({ sensor }: ClientQuotaUse) => ({
    quota: sensor.key,
    user: sensor.user,
    client_id: sensor.clientId,
  });
  const limit = new Gauge({
    name: 'runnel_client_quota_limit',
    help: 'The client quota that applies, by quota, user and client id',
    labelNames,
    registers: [],
  });
  const throttleTime = new Counter({
    name: 'runnel_client_quota_throttle_time_ms_total',
    help: 'Throttle time given to responses over a client quota, in ms',
    labelNames,
    registers: [],
  });
  const throttled = new Counter({
    name: 'runnel_client_quota_throttled_responses_total',
    help: 'Responses throttled for being over a client quota',
    labelNames,
    registers: [],
  });
  // Registered first, so its collect() fills the others before they are read.
  registry.registerMetric(
    new Gauge({
      name: 'runnel_client_quota_usage',
      help: 'Use of a client quota over the quota window: bytes/s, or percent of one request handler',
      labelNames,
      registers: [],
      collect() {
        this.reset();
        limit.reset();
        throttleTime.reset();
        throttled.reset();
        for (const use of usage()) {
          const l = labels(use);
          this.set(l, use.rate);
          limit.set(l, use.sensor.limit);
          throttleTime.inc(l, use.sensor.throttleTimeMs);
          throttled.inc(l, use.sensor.throttledResponses);
        }
      },
    }),
  );
  registry.registerMetric(limit);
  registry.registerMetric(throttleTime);
  registry.registerMetric(throttled);
}
