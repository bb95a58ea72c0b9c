import { type QuotaEntity, type QuotaKey, quotaPrecedence, usageOwner } from './client-quota-entity.js';
import type { ClientQuotaStore } from './client-quota-store.js';
import { type QuotaWindows, SampledRate } from './sampled-rate.js';

/** The use of one quota by one owner (a user, a client id, or both), as /metrics shows it. */
export class QuotaSensor {
  readonly rate: SampledRate;
  /** Throttle time given to this owner's responses since the broker started, in ms. */
  throttleTimeMs = 0;
  throttledResponses = 0;
  /** When a value was last recorded (ms, the manager's clock). */
  lastRecordMs = 0;

  constructor(
    readonly key: QuotaKey,
    readonly user: string,
    readonly clientId: string,
    public limit: number,
    windows: QuotaWindows,
  ) {
    this.rate = new SampledRate(windows);
  }
}

/** The quota that limits one key for one user and client id: the sensor it is measured by. */
type Resolved = Record<QuotaKey, QuotaSensor | undefined>;

const KEYS: readonly QuotaKey[] = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage'];

/** An owner with nothing recorded for this long is forgotten, as Kafka's inactive quota sensors (1 hour). */
export const INACTIVE_SENSOR_EXPIRY_MS = 60 * 60 * 1000;
/** How often idle owners are looked for. */
const EXPIRY_CHECK_INTERVAL_MS = 60 * 1000;

/**
 * Kafka's client quota managers (ClientQuotaManager and ClientRequestQuotaManager) in one: for a
 * request of `user` (the principal's name) and `clientId`, each quota key is limited by the first
 * entity in Kafka's order of precedence that sets it (see quotaPrecedence), and measured per owner
 * (see usageOwner) as a rate over the quota windows. A value is recorded first, then the rate is
 * compared with the limit; over it, the throttle time is Kafka's (QuotaUtils.throttleTime): the
 * time the client must stay silent for its rate over the window to come back to the limit,
 * `(rate - limit) / limit * window`. For request_percentage it is bounded by one sample
 * (`quota.window.size.seconds`), as Kafka's; byte rates are not bounded, as in Kafka.
 *
 * With no quota set anywhere nothing is measured (`enabled` is false), so the request path costs
 * one check. Resolutions are cached per user and client id until the quotas change; an owner
 * with nothing recorded for INACTIVE_SENSOR_EXPIRY_MS is forgotten (its sensor and the cached
 * resolutions go), so a stream of new client ids does not grow the broker's memory for good.
 */
export class ClientQuotaManager {
  private readonly sensors = new Map<string, QuotaSensor>();
  private readonly resolved = new Map<string, Resolved>();
  private resolvedVersion = -1;
  private lastExpiryCheckMs = 0;

  constructor(
    readonly store: ClientQuotaStore,
    readonly windows: QuotaWindows,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Stops following the quotas document (etcd's watch, in a cluster). */
  close(): Promise<void> {
    return this.store.close();
  }

  get enabled(): boolean {
    return this.store.size > 0;
  }

  /**
   * Adds `value` (bytes, or ms of request handling for request_percentage) to the use of `key`
   * by this user and client id; the throttle time it earns, in ms (0 when within its quota or
   * without one).
   */
  record(key: QuotaKey, user: string, clientId: string, value: number): number {
    const now = this.nowMs();
    if (now - this.lastExpiryCheckMs >= EXPIRY_CHECK_INTERVAL_MS) this.expireInactive(now);
    const sensor = this.resolve(user, clientId)[key];
    if (sensor === undefined) return 0;
    sensor.lastRecordMs = now;
    // Kafka records request time as a percentage of one thread over a second: ms * 100 / 1000.
    sensor.rate.record(key === 'request_percentage' ? value / 10 : value, now);
    const rate = sensor.rate.measure(now);
    if (rate <= sensor.limit) return 0;
    let throttleMs = ((rate - sensor.limit) / sensor.limit) * sensor.rate.windowMs(now);
    if (key === 'request_percentage') throttleMs = Math.min(throttleMs, this.windows.sampleMs);
    return Math.round(throttleMs);
  }

  /** The limit of `key` for this user and client id, or undefined when no quota sets it. */
  limit(key: QuotaKey, user: string, clientId: string): number | undefined {
    return this.resolve(user, clientId)[key]?.limit;
  }

  /** Counts a throttle given to a response, against the quotas of the keys that earned it. */
  throttled(key: QuotaKey, user: string, clientId: string, throttleMs: number): void {
    const sensor = this.resolve(user, clientId)[key];
    if (sensor === undefined) return;
    sensor.throttleTimeMs += throttleMs;
    sensor.throttledResponses++;
  }

  /** Every owner measured so far, with its current rate. */
  *usage(): Iterable<{ sensor: QuotaSensor; rate: number }> {
    const now = this.nowMs();
    for (const sensor of this.sensors.values()) yield { sensor, rate: sensor.rate.measure(now) };
  }

  private expireInactive(now: number): void {
    this.lastExpiryCheckMs = now;
    let expired = false;
    for (const [id, sensor] of this.sensors) {
      if (now - sensor.lastRecordMs < INACTIVE_SENSOR_EXPIRY_MS) continue;
      this.sensors.delete(id);
      expired = true;
    }
    if (expired) this.resolved.clear();
  }

  private resolve(user: string, clientId: string): Resolved {
    if (this.resolvedVersion !== this.store.version) {
      this.resolved.clear();
      this.resolvedVersion = this.store.version;
    }
    const cacheKey = `${user}\u0000${clientId}`;
    let resolved = this.resolved.get(cacheKey);
    if (resolved === undefined) {
      resolved = {
        producer_byte_rate: undefined,
        consumer_byte_rate: undefined,
        request_percentage: undefined,
      };
      const precedence = quotaPrecedence(user, clientId);
      for (const key of KEYS) resolved[key] = this.sensorFor(key, precedence, user, clientId);
      this.resolved.set(cacheKey, resolved);
    }
    return resolved;
  }

  private sensorFor(
    key: QuotaKey,
    precedence: readonly QuotaEntity[],
    user: string,
    clientId: string,
  ): QuotaSensor | undefined {
    for (const entity of precedence) {
      const limit = this.store.quota(entity, key);
      if (limit === undefined) continue;
      const owner = usageOwner(entity, user, clientId);
      const id = `${key}\u0000${owner.user}\u0000${owner.clientId}`;
      let sensor = this.sensors.get(id);
      if (sensor === undefined) {
        sensor = new QuotaSensor(key, owner.user, owner.clientId, limit, this.windows);
        this.sensors.set(id, sensor);
      }
      sensor.limit = limit;
      return sensor;
    }
    return undefined;
  }
}
