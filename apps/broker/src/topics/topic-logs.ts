import type { LoggerService } from '@nestjs/common';
import { KafkaStorageError, type LogManager, resolveLogConfig } from '@runnel/log-store';
import type { BrokerConfig } from '../config/broker-config.js';
import type { StoredTopic } from './broker-metadata-store.js';
import { logOptionsFor } from './topic-configs.js';

/**
 * Opens `partitions` of a topic in the LogManager, created empty if new, each with the topic's
 * configs (the LogManager's `topicConfig`). Every partition is tried: one that cannot be opened
 * stays offline and the first such failure is thrown (KafkaStorageError) once the rest are open.
 */
export function openTopicLogs(logs: LogManager, name: string, partitions: Iterable<number>): void {
  let failure: KafkaStorageError | undefined;
  for (const p of partitions) {
    try {
      logs.getOrCreate(name, p);
    } catch (err) {
      if (!(err instanceof KafkaStorageError)) throw err;
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

/** Partitions [from, to), for openTopicLogs. */
export function* partitionRange(from: number, to: number): Iterable<number> {
  for (let p = from; p < to; p++) yield p;
}

/**
 * Gives a topic's open partition logs its configs (after they changed in meta.json). A
 * PartitionLog's LogConfig is one object its segments, flusher and cleaner share and read at
 * each use (append, roll, retention, compaction), so the new values take effect from the next
 * append or maintenance pass; a partition that is offline takes them from meta.json when it is
 * next opened.
 */
export function reconfigureTopicLogs(config: BrokerConfig, logs: LogManager, topic: StoredTopic): void {
  const resolved = resolveLogConfig(logOptionsFor(config, topic.configs));
  for (let p = 0; p < topic.partitions; p++) {
    try {
      logs.get(topic.name, p)?.reconfigure(resolved);
    } catch (err) {
      if (!(err instanceof KafkaStorageError)) throw err;
    }
  }
}

/**
 * Logs what opening the data directory found: each partition directory set aside as stray, and
 * one line per partition that recovery had to check or repair, so an operator can tell what
 * happened (a warning when bytes were truncated or segments deleted).
 */
export function logRecoveries(logs: LogManager, logger: LoggerService): void {
  for (const { dirName } of logs.strayDirs) {
    logger.warn(
      `${dirName}: a partition directory meta.json does not name was set aside, not served; remove it or move it away`,
    );
  }
  let unclean = 0;
  for (const { topic, partition, log } of logs.all()) {
    const report = log.recovery;
    if (report.hadCleanShutdown && report.lines.length === 0) continue;
    if (!report.hadCleanShutdown) unclean++;
    const cause = report.hadCleanShutdown ? 'damaged files' : 'an unclean shutdown';
    const summary =
      `${topic}-${partition}: recovered after ${cause}: ${report.segmentsRecovered} segment(s) checked and their indexes rebuilt, ` +
      `${report.bytesTruncated} bytes truncated, ${report.segmentsDeleted} segment(s) deleted, log end offset ${log.logEndOffset}`;
    const line = `${summary} (${report.lines.join('; ')})`;
    if (report.bytesTruncated > 0 || report.segmentsDeleted > 0) logger.warn(line);
    else logger.log(line);
  }
  if (unclean > 0) logger.warn(`recovered ${unclean} partition(s) after an unclean shutdown`);
}
