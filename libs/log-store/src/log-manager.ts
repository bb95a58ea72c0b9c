import { join } from 'node:path';
import type { Clock } from './clock.js';
import { KafkaStorageError } from './errors.js';
import type { CleanerStats } from './log-cleaner.js';
import { compacts, type LogOptions } from './log-config.js';
import { parsePartitionDirName, partitionDirName } from './log-file-names.js';
import { PartitionLog } from './partition-log.js';
import { deleteDir, listSubdirs, makeDir } from './storage-io.js';

export interface LogManagerOptions {
  /** Settings of every log (Kafka's broker-level log.* settings); default Kafka's defaults. */
  defaults?: LogOptions;
  /** Per-topic overrides on top of `defaults`, e.g. cleanupPolicy 'compact' for `__consumer_offsets`. */
  topicConfig?: (topic: string) => LogOptions | undefined;
  /** Time for every log (default the system clock). */
  clock?: Clock;
  /** How often retention and compaction run; 0 turns the timer off (default 300000; log.retention.check.interval.ms). */
  retentionCheckIntervalMs?: number;
  /** How often logs are checked against their flushMs; 0 turns the timer off (default 1000). */
  flushCheckIntervalMs?: number;
  /** Told when an I/O error takes a log offline. */
  onOffline?: (topic: string, partition: number, error: KafkaStorageError) => void;
}

/** What one maintenance pass did. */
export interface MaintenanceReport {
  /** Segments deleted by retention, over all logs. */
  segmentsDeleted: number;
  /** Compactions run, by `<topic>-<partition>`. */
  compactions: Map<string, CleanerStats>;
}

interface ManagedLog {
  topic: string;
  partition: number;
  log: PartitionLog;
}

/**
 * All partition logs under one data directory (Kafka's LogManager): `<data-dir>/<topic>-<partition>/`.
 *
 * `open` opens (and, after a crash, recovers) every partition directory it finds; other entries
 * of the data directory are left alone (the broker keeps meta.json there). Two timers, unref'd so
 * they never keep the process alive, run maintenance: retention and compaction every
 * retentionCheckIntervalMs, and flushMs checks every flushCheckIntervalMs. Tests turn them off
 * and call `runMaintenance` / `flushDueLogs` with an injected clock.
 *
 * A log that goes offline stays in the manager (its calls throw KafkaStorageError) and is skipped
 * by maintenance; the others carry on.
 */
export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  /** Partitions whose directory could not be opened, with the error that says why. */
  private readonly unopenable = new Map<string, KafkaStorageError>();
  private readonly timers: NodeJS.Timeout[] = [];
  private maintaining: Promise<MaintenanceReport> | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly options: LogManagerOptions,
  ) {}

  static open(dataDir: string, options: LogManagerOptions = {}): LogManager {
    makeDir(dataDir);
    const manager = new LogManager(dataDir, options);
    for (const name of listSubdirs(dataDir)) {
      const parsed = parsePartitionDirName(name);
      if (parsed !== undefined) manager.openExisting(parsed.topic, parsed.partition);
    }
    const { retentionCheckIntervalMs = 300_000, flushCheckIntervalMs = 1000 } = options;
    if (retentionCheckIntervalMs > 0) {
      manager.timers.push(setInterval(() => void manager.runMaintenance(), retentionCheckIntervalMs).unref());
    }
    if (flushCheckIntervalMs > 0) {
      manager.timers.push(setInterval(() => void manager.flushDueLogs(), flushCheckIntervalMs).unref());
    }
    return manager;
  }

  /** Opens a partition found on disk; one that cannot be opened is reported offline and the others still open. */
  private openExisting(topic: string, partition: number): void {
    try {
      this.openLog(topic, partition);
    } catch (error) {
      if (!(error instanceof KafkaStorageError)) throw error;
      this.unopenable.set(partitionDirName(topic, partition), error);
      this.options.onOffline?.(topic, partition, error);
    }
  }

  private openLog(topic: string, partition: number): PartitionLog {
    const name = partitionDirName(topic, partition);
    const log = PartitionLog.open(join(this.dataDir, name), {
      ...this.options.defaults,
      ...this.options.topicConfig?.(topic),
      ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
      onOffline: (error) => this.options.onOffline?.(topic, partition, error),
    });
    this.logs.set(name, { topic, partition, log });
    return log;
  }

  /** The log of a partition, undefined if there is none; throws KafkaStorageError if its directory could not be opened. */
  get(topic: string, partition: number): PartitionLog | undefined {
    const name = partitionDirName(topic, partition);
    const failure = this.unopenable.get(name);
    if (failure !== undefined) throw failure;
    return this.logs.get(name)?.log;
  }

  /** The log of a partition, created empty if it does not exist yet. */
  getOrCreate(topic: string, partition: number): PartitionLog {
    return this.get(topic, partition) ?? this.openLog(topic, partition);
  }

  /** Every open log with its topic and partition. */
  all(): { topic: string; partition: number; log: PartitionLog }[] {
    return [...this.logs.values()].map(({ topic, partition, log }) => ({ topic, partition, log }));
  }

  /** Closes a partition's log and removes its directory (topic deletion). */
  async delete(topic: string, partition: number): Promise<void> {
    const name = partitionDirName(topic, partition);
    const managed = this.logs.get(name);
    if (managed === undefined) return;
    this.logs.delete(name);
    await managed.log.close();
    deleteDir(managed.log.dir);
  }

  /**
   * Retention for every log, then compaction for every log whose policy compacts and whose dirty
   * ratio reached minCleanableDirtyRatio. Passes do not overlap: a call during one joins it.
   */
  runMaintenance(): Promise<MaintenanceReport> {
    this.maintaining ??= this.maintain().finally(() => {
      this.maintaining = undefined;
    });
    return this.maintaining;
  }

  private async maintain(): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { segmentsDeleted: 0, compactions: new Map() };
    for (const [name, { log }] of this.logs) {
      if (log.isOffline) continue;
      await this.onlineOnly(async () => {
        report.segmentsDeleted += log.deleteOldSegments();
        if (
          compacts(log.config) &&
          log.dirtyRatio > 0 &&
          log.dirtyRatio >= log.config.minCleanableDirtyRatio
        ) {
          const stats = await log.compact();
          if (stats !== undefined) report.compactions.set(name, stats);
        }
      });
    }
    return report;
  }

  /** Flushes every log whose flushMs has passed since its last flush. */
  async flushDueLogs(): Promise<void> {
    for (const { log } of this.logs.values()) await this.onlineOnly(() => log.flushIfDue());
  }

  /** Runs `fn`; a storage error has already taken its log offline (and was reported), so the others go on. */
  private async onlineOnly(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof KafkaStorageError)) throw error;
    }
  }

  /** Stops the timers and closes every log cleanly. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.maintaining?.catch(() => undefined);
    await Promise.all([...this.logs.values()].map(({ log }) => log.close()));
    this.logs.clear();
  }
}
