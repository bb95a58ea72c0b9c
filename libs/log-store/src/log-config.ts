import { BATCH_HEADER_SIZE } from '@runnel/protocol';

/** What happens to old data: deleted by retention, compacted to the newest record per key, or both. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/**
 * Per-partition log settings: Kafka's topic configs in camelCase, with Kafka's defaults. Sizes are
 * bytes, durations milliseconds; `Infinity` stands for Kafka's Long.MAX_VALUE ("never").
 */
export interface LogConfig {
  /** Roll a new segment before the active one would grow past this size (default 1 GiB; segment.bytes). */
  segmentBytes: number;
  /**
   * Roll a new segment once its batches span this long: the new batch's max timestamp minus the
   * first batch's, or the clock's time since the segment was created when batches carry no
   * timestamp (default 7 days; segment.ms).
   */
  segmentMs: number;
  /** Delete a closed segment once its newest record is this old; -1 keeps data forever (default 7 days; retention.ms). */
  retentionMs: number;
  /** Delete the oldest segments while the log is larger than this; -1 means no limit (default -1; retention.bytes). */
  retentionBytes: number;
  /** `delete`, `compact` or `compact,delete` (default `delete`; cleanup.policy). */
  cleanupPolicy: CleanupPolicy;
  /** How long the cleaner keeps a tombstone after first compacting it (default 1 day; delete.retention.ms). */
  deleteRetentionMs: number;
  /** Compact once this share of the log's closed bytes is uncompacted (default 0.5; min.cleanable.dirty.ratio). */
  minCleanableDirtyRatio: number;
  /** Largest batch `append` accepts, header included (default 1048588 = 1 MiB + 12; max.message.bytes). */
  maxMessageBytes: number;
  /** Bytes of log between two offset index entries (default 4096; index.interval.bytes). */
  indexIntervalBytes: number;
  /** Largest size of one segment's `.index` or `.timeindex`; a full index rolls the segment (default 10 MiB; segment.index.bytes). */
  segmentIndexBytes: number;
  /** fsync after this many messages not yet flushed (default never, the OS writes back; flush.messages). */
  flushMessages: number;
  /** fsync when the last flush is this old, checked by LogManager (default never; flush.ms). */
  flushMs: number;
}

/** Settings to override; Kafka's spelling `delete,compact` is accepted and read as `compact,delete`. */
export type LogOptions = Partial<Omit<LogConfig, 'cleanupPolicy'>> & {
  cleanupPolicy?: CleanupPolicy | 'delete,compact';
};

const DAY_MS = 24 * 60 * 60 * 1000;
const INT32_MAX = 0x7fffffff;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: DAY_MS,
  minCleanableDirtyRatio: 0.5,
  maxMessageBytes: 1024 * 1024 + 12,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  flushMessages: Number.POSITIVE_INFINITY,
  flushMs: Number.POSITIVE_INFINITY,
});

interface Limit {
  min: number;
  max: number;
  integer: boolean;
  /** Whether `Infinity` ("never") is accepted. */
  infinite: boolean;
}

const int = (min: number, max = INT32_MAX): Limit => ({ min, max, integer: true, infinite: false });
const duration = (min: number): Limit => ({
  min,
  max: Number.MAX_SAFE_INTEGER,
  integer: true,
  infinite: true,
});

const LIMITS: Record<Exclude<keyof LogConfig, 'cleanupPolicy'>, Limit> = {
  // A segment must hold at least the smallest batch; positions in the index are int32.
  segmentBytes: int(BATCH_HEADER_SIZE),
  segmentMs: duration(1),
  retentionMs: duration(-1),
  retentionBytes: { ...duration(-1), infinite: false },
  deleteRetentionMs: duration(0),
  minCleanableDirtyRatio: { min: 0, max: 1, integer: false, infinite: false },
  maxMessageBytes: int(0),
  indexIntervalBytes: int(0),
  // Room for at least one entry of either index (a time index entry is 12 bytes).
  segmentIndexBytes: int(12),
  flushMessages: duration(1),
  flushMs: duration(0),
};

const POLICIES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

function checkNumber(name: string, value: unknown, limit: Limit): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RangeError(`log option ${name} is ${String(value)}; it must be a number`);
  }
  if (value === Number.POSITIVE_INFINITY && limit.infinite) return;
  if (limit.integer && !Number.isInteger(value)) {
    throw new RangeError(`log option ${name} is ${value}; it must be an integer`);
  }
  if (value < limit.min || value > limit.max) {
    throw new RangeError(`log option ${name} is ${value}; it must be between ${limit.min} and ${limit.max}`);
  }
}

/** Defaults overlaid with `options`, each checked; throws a RangeError naming the option, value and limit. */
export function resolveLogConfig(options: LogOptions = {}): LogConfig {
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [name, value] of Object.entries(options) as [string, unknown][]) {
    if (value === undefined) continue;
    if (name === 'cleanupPolicy') {
      // Kafka also accepts the two policies the other way round.
      const policy = value === 'delete,compact' ? 'compact,delete' : value;
      if (!POLICIES.includes(policy as CleanupPolicy)) {
        throw new RangeError(
          `log option cleanupPolicy is '${String(value)}'; it must be one of ${POLICIES.join(' | ')}`,
        );
      }
      config.cleanupPolicy = policy as CleanupPolicy;
    } else if (Object.hasOwn(LIMITS, name)) {
      const key = name as keyof typeof LIMITS;
      checkNumber(name, value, LIMITS[key]);
      config[key] = value as number;
    } else {
      throw new RangeError(
        `'${name}' is not a log option; known options are ${Object.keys(DEFAULT_LOG_CONFIG).join(', ')}`,
      );
    }
  }
  return config;
}

/** Whether the policy deletes old segments by time and size. */
export function deletesOldSegments(config: LogConfig): boolean {
  return config.cleanupPolicy !== 'compact';
}

/** Whether the policy compacts. */
export function compacts(config: LogConfig): boolean {
  return config.cleanupPolicy !== 'delete';
}
