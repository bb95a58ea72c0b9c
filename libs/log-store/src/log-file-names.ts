import { join } from 'node:path';

/**
 * Every name the log store gives to a file or directory, in one place (Kafka's LogFileUtils).
 *
 * ```
 * <data-dir>/<topic>-<partition>/
 *   00000000000000000000.log          record batches (FileRecords)
 *   00000000000000000000.index        offset -> position (OffsetIndex)
 *   00000000000000000000.timeindex    timestamp -> offset (TimeIndex)
 *   00000000000000000000.snapshot     idempotent-producer state below that offset (ProducerStateSnapshot)
 *   log-checkpoint                    recovery point, log start offset, cleaner offset (LogCheckpoint)
 *   .kafka_cleanshutdown              present only while the log is closed after a clean shutdown
 * ```
 *
 * Next to the partition directories, the data directory holds `.lock` (DataDirLock) and, for a
 * while, partition directories set aside under a name no partition has:
 * `<topic>-<partition>.<uniqueId>-delete` (a deleted topic's partition, removed at the next start
 * at the latest) and `<topic>-<partition>.<uniqueId>-stray` (a partition directory its owner's
 * metadata does not name, kept for the operator), as Kafka names them.
 *
 * A segment's files are named by its base offset in 20 zero-padded decimal digits, so a directory
 * listing sorts them in offset order. Suffixes added to a segment file name mark its state during
 * compaction and deletion: `.cleaned` (being written by the cleaner; discarded after a crash),
 * `.swap` (complete, about to replace older segments; the swap is finished after a crash) and
 * `.deleted` (replaced, about to be removed; removed after a crash).
 */
export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const DELETED_FILE_SUFFIX = '.deleted';
/** Written by `close()` after everything is flushed; its absence at open means a crash. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const CLEAN_SHUTDOWN_TEMP_FILE = '.kafka_cleanshutdown.tmp';
export const CHECKPOINT_FILE = 'log-checkpoint';
/** A checkpoint being written; renamed over CHECKPOINT_FILE once it is on disk. */
export const CHECKPOINT_TEMP_FILE = 'log-checkpoint.tmp';

/**
 * Producer-state snapshots are named by the offset their state reaches (Kafka's `<offset>.snapshot`);
 * one is written as `<offset>.snapshot.tmp`, then renamed.
 */
export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';
export const PRODUCER_SNAPSHOT_TEMP_SUFFIX = '.tmp';
const SNAPSHOT_NAME = /^(\d{20})\.snapshot(\.tmp)?$/;

/** The three files of one segment. */
export type SegmentFileKind =
  | typeof LOG_FILE_SUFFIX
  | typeof INDEX_FILE_SUFFIX
  | typeof TIME_INDEX_FILE_SUFFIX;

const OFFSET_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})(\.log|\.index|\.timeindex)(\.cleaned|\.swap|\.deleted)?$/;

/** `00000000000000000042` for offset 42. */
export function filenamePrefixFromOffset(offset: bigint): string {
  return offset.toString().padStart(OFFSET_DIGITS, '0');
}

/** Path of one of a segment's files, optionally with a state suffix (`.cleaned`, `.swap`, `.deleted`). */
export function segmentFile(
  dir: string,
  baseOffset: bigint,
  kind: SegmentFileKind,
  stateSuffix = '',
): string {
  return join(dir, `${filenamePrefixFromOffset(baseOffset)}${kind}${stateSuffix}`);
}

/** What a file name in a partition directory says about itself, or undefined if it is no segment file. */
export interface ParsedSegmentFileName {
  baseOffset: bigint;
  kind: SegmentFileKind;
  /** '' for a live file, else `.cleaned`, `.swap` or `.deleted`. */
  stateSuffix: string;
}

export function parseSegmentFileName(name: string): ParsedSegmentFileName | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return undefined;
  return {
    baseOffset: BigInt(match[1]!),
    kind: match[2] as SegmentFileKind,
    stateSuffix: match[3] ?? '',
  };
}

/** Kafka's limit on topic names, so that `<topic>-<partition>` stays a legal file name. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;

/**
 * Checks a topic name the way Kafka does before it becomes part of a path: letters, digits, `.`,
 * `_` and `-`, at most 249 characters, and neither `.` nor `..`.
 */
export function validateTopicName(topic: string): void {
  if (topic.length === 0 || topic.length > MAX_TOPIC_NAME_LENGTH) {
    throw new RangeError(`topic name '${topic}' is ${topic.length} characters; it must be 1 to 249`);
  }
  if (topic === '.' || topic === '..' || !TOPIC_NAME.test(topic)) {
    throw new RangeError(
      `topic name '${topic}' is not legal: use letters, digits, '.', '_' and '-', and not '.' or '..' alone`,
    );
  }
}

/** `orders-3` for topic `orders`, partition 3. */
export function partitionDirName(topic: string, partition: number): string {
  validateTopicName(topic);
  if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
    throw new RangeError(`partition ${partition} is not an int32 of 0 or more`);
  }
  return `${topic}-${partition}`;
}

/** Topic and partition of a partition directory name (the last `-` separates them), or undefined. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const topic = name.slice(0, dash);
  const digits = name.slice(dash + 1);
  if (!/^\d{1,10}$/.test(digits) || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..')
    return undefined;
  const partition = Number(digits);
  return partition <= 0x7fffffff ? { topic, partition } : undefined;
}

/** The data directory's lock (DataDirLock), as Kafka names it. */
export const LOCK_FILE = '.lock';
/** Suffix of a partition directory renamed for deletion (Kafka's `DeleteDirSuffix`). */
export const DELETE_DIR_SUFFIX = '-delete';
/** Suffix of a partition directory set aside because no topic of the metadata owns it (Kafka's `StrayDirSuffix`). */
export const STRAY_DIR_SUFFIX = '-stray';
/** Longest file name most file systems accept. */
const MAX_FILE_NAME_LENGTH = 255;
const SET_ASIDE_DIR_NAME = /^(.*)-(\d{1,10})\.([0-9a-f]{32})(-delete|-stray)$/;

/**
 * `<topic>-<partition>.<uniqueId><suffix>`, as Kafka's `logDirNameWithSuffixCappedLength` makes
 * it: the topic is cut so that the name stays within 255 characters; the partition and the
 * unique id (32 hex digits) are always whole.
 */
export function setAsideDirName(
  topic: string,
  partition: number,
  uniqueId: string,
  suffix: typeof DELETE_DIR_SUFFIX | typeof STRAY_DIR_SUFFIX,
): string {
  partitionDirName(topic, partition);
  const tail = `-${partition}.${uniqueId}${suffix}`;
  return `${topic.slice(0, MAX_FILE_NAME_LENGTH - tail.length)}${tail}`;
}

/** What the name of a partition directory set aside says, or undefined for any other name. */
export interface SetAsideDirName {
  /** The topic, possibly cut short (see setAsideDirName). */
  topicPrefix: string;
  partition: number;
  uniqueId: string;
  suffix: typeof DELETE_DIR_SUFFIX | typeof STRAY_DIR_SUFFIX;
}

export function parseSetAsideDirName(name: string): SetAsideDirName | undefined {
  const match = SET_ASIDE_DIR_NAME.exec(name);
  if (match === null) return undefined;
  return {
    topicPrefix: match[1]!,
    partition: Number(match[2]),
    uniqueId: match[3]!,
    suffix: match[4] as SetAsideDirName['suffix'],
  };
}

/** Path of the producer-state snapshot of offset `offset`, or of its temporary file. */
export function producerSnapshotFile(dir: string, offset: bigint, temporary = false): string {
  const suffix = temporary ? PRODUCER_SNAPSHOT_TEMP_SUFFIX : '';
  return join(dir, `${filenamePrefixFromOffset(offset)}${PRODUCER_SNAPSHOT_FILE_SUFFIX}${suffix}`);
}

/** The offset a snapshot file name carries and whether it is a temporary file; undefined for other names. */
export function parseProducerSnapshotFileName(
  name: string,
): { offset: bigint; temporary: boolean } | undefined {
  const match = SNAPSHOT_NAME.exec(name);
  return match === null ? undefined : { offset: BigInt(match[1]!), temporary: match[2] !== undefined };
}
