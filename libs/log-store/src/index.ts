export type { AppendWatcher, LogEndPosition } from './append-waiters.js';
export { type Clock, systemClock } from './clock.js';
export { DataDirLock, DataDirLockedError } from './data-dir-lock.js';
export {
  CorruptRecordError,
  InvalidBatchError,
  InvalidProducerEpochError,
  InvalidRecordError,
  InvalidTxnStateError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  OutOfOrderSequenceError,
  RecordTooLargeError,
  UnsupportedCompressionTypeError,
  UnsupportedForMessageFormatError,
} from './errors.js';
export type { CleanerStats } from './log-cleaner.js';
export {
  type CleanupPolicy,
  DEFAULT_LOG_CONFIG,
  type LogConfig,
  type LogOptions,
  resolveLogConfig,
} from './log-config.js';
export {
  DELETE_DIR_SUFFIX,
  LOCK_FILE,
  parsePartitionDirName,
  parseSetAsideDirName,
  partitionDirName,
  STRAY_DIR_SUFFIX,
  setAsideDirName,
  validateTopicName,
} from './log-file-names.js';
export type { RecoveryReport } from './log-loader.js';
export {
  type KnownTopic,
  LogManager,
  type LogManagerOptions,
  type MaintenanceReport,
  type StrayDir,
} from './log-manager.js';
export type { AppendOrigin, ValidatedBatch, ValidationOptions } from './log-validator.js';
export { PartitionLog } from './partition-log.js';
export type { AppendResult, FetchResult, PartitionLogOptions } from './partition-log-types.js';
export {
  BATCHES_TO_RETAIN,
  type BatchMetadata,
  lastSequenceOf,
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  type ProducerBatchHeader,
  type ProducerEntry,
  ProducerStateManager,
} from './producer-state-manager.js';
export type { OffsetAndTimestamp } from './timestamp-lookup.js';
