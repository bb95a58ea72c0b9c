export { type Clock, systemClock } from './clock.js';
export {
  CorruptRecordError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from './errors.js';
export type { CleanerStats } from './log-cleaner.js';
export {
  type CleanupPolicy,
  DEFAULT_LOG_CONFIG,
  type LogConfig,
  type LogOptions,
  resolveLogConfig,
} from './log-config.js';
export { parsePartitionDirName, partitionDirName, validateTopicName } from './log-file-names.js';
export { LogManager, type LogManagerOptions, type MaintenanceReport } from './log-manager.js';
export { PartitionLog } from './partition-log.js';
export type { AppendOptions, AppendResult, FetchResult, PartitionLogOptions } from './partition-log-types.js';
export type { OffsetAndTimestamp } from './timestamp-lookup.js';
