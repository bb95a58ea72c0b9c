/**
 * Settings of the group coordinator: Kafka's broker configs in camelCase, with Kafka's defaults.
 * Durations are milliseconds, `Infinity` stands for Kafka's Int.MaxValue ("no limit").
 */
export interface CoordinatorConfig {
  /**
   * How long the first rebalance of an Empty group waits for more members before forming
   * generation 1, extended (by the same delay, up to the rebalance timeout) while members keep
   * arriving, so that consumers started together get one generation instead of one each
   * (default 3000; group.initial.rebalance.delay.ms). 0 completes the join as soon as every known
   * member has joined: what tests and single-consumer setups want.
   */
  groupInitialRebalanceDelayMs: number;
  /** Smallest session timeout a member may ask for; less is INVALID_SESSION_TIMEOUT (default 6000; group.min.session.timeout.ms). */
  groupMinSessionTimeoutMs: number;
  /** Largest session timeout a member may ask for; more is INVALID_SESSION_TIMEOUT (default 1800000 = 30 min; group.max.session.timeout.ms). */
  groupMaxSessionTimeoutMs: number;
  /** Most members a group may have; a new one past it gets GROUP_MAX_SIZE_REACHED (default no limit; group.max.size). */
  groupMaxSize: number;
  /**
   * How long committed offsets are kept once their group is Empty, counted from when it became
   * Empty (from each commit for a group never managed by the coordinator); the group is removed
   * with its last offset (default 7 days; offsets.retention.minutes x 60000).
   */
  offsetsRetentionMs: number;
  /** How often the expiry pass looks for expired offsets (default 600000 = 10 min; offsets.retention.check.interval.ms). */
  offsetsRetentionCheckIntervalMs: number;
  /** Longest metadata string a commit may carry; longer is OFFSET_METADATA_TOO_LARGE (default 4096; offset.metadata.max.bytes). */
  offsetMetadataMaxBytes: number;
}

export type CoordinatorOptions = Partial<CoordinatorConfig>;

const MINUTE_MS = 60 * 1000;

export const DEFAULT_COORDINATOR_CONFIG: Readonly<CoordinatorConfig> = Object.freeze({
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 30 * MINUTE_MS,
  groupMaxSize: Number.POSITIVE_INFINITY,
  offsetsRetentionMs: 7 * 24 * 60 * MINUTE_MS,
  offsetsRetentionCheckIntervalMs: 10 * MINUTE_MS,
  offsetMetadataMaxBytes: 4096,
});

/** Smallest value of each option; only groupMaxSize may be Infinity. */
const MINIMUMS: Readonly<Record<keyof CoordinatorConfig, number>> = {
  groupInitialRebalanceDelayMs: 0,
  groupMinSessionTimeoutMs: 0,
  groupMaxSessionTimeoutMs: 0,
  groupMaxSize: 1,
  offsetsRetentionMs: 1,
  offsetsRetentionCheckIntervalMs: 1,
  offsetMetadataMaxBytes: 0,
};

/** Defaults overlaid with `options`, each checked; throws a RangeError naming the option, value and limit. */
export function resolveCoordinatorConfig(options: CoordinatorOptions = {}): CoordinatorConfig {
  const config: CoordinatorConfig = { ...DEFAULT_COORDINATOR_CONFIG };
  for (const [name, value] of Object.entries(options) as [string, unknown][]) {
    if (value === undefined) continue;
    if (!Object.hasOwn(MINIMUMS, name)) {
      throw new RangeError(
        `'${name}' is not a coordinator option; known options are ${Object.keys(MINIMUMS).join(', ')}`,
      );
    }
    const key = name as keyof CoordinatorConfig;
    const unlimited = key === 'groupMaxSize' && value === Number.POSITIVE_INFINITY;
    if (typeof value !== 'number' || (!unlimited && !Number.isSafeInteger(value))) {
      throw new RangeError(`coordinator option ${name} is ${String(value)}; it must be an integer`);
    }
    if (value < MINIMUMS[key]) {
      throw new RangeError(`coordinator option ${name} is ${value}; it must be at least ${MINIMUMS[key]}`);
    }
    config[key] = value;
  }
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new RangeError(
      `coordinator option groupMinSessionTimeoutMs (${config.groupMinSessionTimeoutMs}) is above groupMaxSessionTimeoutMs (${config.groupMaxSessionTimeoutMs})`,
    );
  }
  return config;
}
