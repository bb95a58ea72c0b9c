import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { KafkaStorageError } from './errors.js';
import type { CleanerStats } from './log-cleaner.js';
import { compacts, type LogOptions } from './log-config.js';
import {
  DELETE_DIR_SUFFIX,
  parsePartitionDirName,
  parseSetAsideDirName,
  partitionDirName,
  STRAY_DIR_SUFFIX,
  setAsideDirName,
} from './log-file-names.js';
import { PartitionLog } from './partition-log.js';
import { deleteDir, fileExists, listSubdirs, makeDir, renameFile, syncDir } from './storage-io.js';

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
  /**
   * Whether the owner's metadata names a partition found on disk at open. The directory of one it
   * does not name is a stray log: renamed `<topic>-<partition>.<uniqueId>-stray`, never opened,
   * and left for the operator (listed in `strayDirs`). Default: every partition found is opened.
   */
  isKnownPartition?: (topic: string, partition: number) => boolean;
}

/** A partition directory that `open` set aside because the owner's metadata does not name it. */
export interface StrayDir {
  topic: string;
  partition: number;
  /** The name it has now, in the data directory. */
  dirName: string;
}

/** A topic as its owner's metadata knows it, for `finishInterruptedDeletions`. */
export interface KnownTopic {
  name: string;
  partitions: number;
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
 * `open` removes the directories of deleted partitions a crash left behind, then opens (and,
 * after a crash, recovers) every partition directory it finds; other entries of the data
 * directory are left alone (the broker keeps meta.json there). The owner holds the data
 * directory's DataDirLock before calling it. Two timers, unref'd so
 * they never keep the process alive, run maintenance: retention and compaction every
 * retentionCheckIntervalMs, and flushMs checks every flushCheckIntervalMs. Tests turn them off
 * and call `runMaintenance` / `flushDueLogs` with an injected clock.
 *
 * A log that goes offline stays in the manager (its calls throw KafkaStorageError) and is skipped
 * by maintenance; the others carry on.
 *
 * Deleting a topic is crash-atomic when its owner keeps this order (Kafka's): `markForDeletion`
 * renames each partition directory to `<topic>-<partition>.<uniqueId>-delete`, a name `open`
 * never opens; then the owner removes the topic from its metadata; then `removeMarkedForDeletion`
 * removes the renamed directories. A crash before the metadata changed leaves some directories
 * renamed and the topic still named: `finishInterruptedDeletions`, called before `open`, renames
 * the rest and tells the owner to drop the topic. A crash after it leaves only renamed
 * directories, which `open` removes. No crash point leaves a topic with some partitions gone.
 */
export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  /** Partitions whose directory could not be opened, with the error that says why. */
  private readonly unopenable = new Map<string, KafkaStorageError>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Partition directories set aside at open, because the owner's metadata does not name them. */
  readonly strayDirs: StrayDir[] = [];
  private maintaining: Promise<MaintenanceReport> | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly options: LogManagerOptions,
  ) {}

  static open(dataDir: string, options: LogManagerOptions = {}): LogManager {
    makeDir(dataDir);
    const manager = new LogManager(dataDir, options);
    manager.removeMarkedForDeletion(
      listSubdirs(dataDir).filter((name) => parseSetAsideDirName(name)?.suffix === DELETE_DIR_SUFFIX),
    );
    for (const name of listSubdirs(dataDir)) {
      const parsed = parsePartitionDirName(name);
      if (parsed === undefined) continue;
      if (options.isKnownPartition?.(parsed.topic, parsed.partition) === false) {
        manager.setAsideStray(parsed.topic, parsed.partition);
      } else {
        manager.openExisting(parsed.topic, parsed.partition);
      }
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

  private setAsideStray(topic: string, partition: number): void {
    const dirName = setAsideDirName(topic, partition, uniqueId(), STRAY_DIR_SUFFIX);
    renameFile(join(this.dataDir, partitionDirName(topic, partition)), join(this.dataDir, dirName));
    syncDir(this.dataDir);
    this.strayDirs.push({ topic, partition, dirName });
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

  /**
   * First step of deleting a partition: closes its log (if it is open; one that could not be
   * opened is forgotten as well) and renames its directory to
   * `<topic>-<partition>.<uniqueId>-delete`, durably. Returns that name, or undefined when the
   * partition has no directory.
   */
  async markForDeletion(topic: string, partition: number): Promise<string | undefined> {
    const name = partitionDirName(topic, partition);
    const managed = this.logs.get(name);
    this.logs.delete(name);
    this.unopenable.delete(name);
    // A log that went offline fails its close with the error that took it offline: its files
    // are being deleted, so that changes nothing.
    await managed?.log.close().catch((error: unknown) => {
      if (!(error instanceof KafkaStorageError)) throw error;
    });
    return markDirForDeletion(this.dataDir, topic, partition);
  }

  /** Last step of deleting partitions: removes directories `markForDeletion` renamed, durably. */
  removeMarkedForDeletion(dirNames: readonly string[]): void {
    for (const dirName of dirNames) {
      if (parseSetAsideDirName(dirName)?.suffix !== DELETE_DIR_SUFFIX) {
        throw new RangeError(`${dirName} is not a partition directory marked for deletion`);
      }
      deleteDir(join(this.dataDir, dirName));
    }
    if (dirNames.length > 0) syncDir(this.dataDir);
  }

  /**
   * Finishes, before `open`, the deletions a crash interrupted while the owner's metadata still
   * named the topic: a topic one of whose partitions is no longer under its own name but renamed
   * for deletion. The partitions of such a topic still under their own names are renamed too;
   * the names of these topics are returned, for the owner to remove from its metadata before it
   * calls `open` (which removes the renamed directories).
   */
  static finishInterruptedDeletions(dataDir: string, topics: Iterable<KnownTopic>): string[] {
    const marked = listSubdirs(dataDir).flatMap((name) => {
      const parsed = parseSetAsideDirName(name);
      return parsed?.suffix === DELETE_DIR_SUFFIX ? [{ name, ...parsed }] : [];
    });
    if (marked.length === 0) return [];
    const interrupted: string[] = [];
    for (const topic of topics) {
      const deleting = marked.some(
        (dir) =>
          dir.partition < topic.partitions &&
          dir.name === setAsideDirName(topic.name, dir.partition, dir.uniqueId, DELETE_DIR_SUFFIX) &&
          !fileExists(join(dataDir, partitionDirName(topic.name, dir.partition))),
      );
      if (!deleting) continue;
      for (let p = 0; p < topic.partitions; p++) markDirForDeletion(dataDir, topic.name, p);
      interrupted.push(topic.name);
    }
    return interrupted;
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

/** Renames a partition's directory for deletion (durably); undefined when it has none. */
function markDirForDeletion(dataDir: string, topic: string, partition: number): string | undefined {
  const from = join(dataDir, partitionDirName(topic, partition));
  if (!fileExists(from)) return undefined;
  const dirName = setAsideDirName(topic, partition, uniqueId(), DELETE_DIR_SUFFIX);
  renameFile(from, join(dataDir, dirName));
  syncDir(dataDir);
  return dirName;
}

/** 32 hex digits, as Kafka's UUID without dashes. */
function uniqueId(): string {
  return randomBytes(16).toString('hex');
}
