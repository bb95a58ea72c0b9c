import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { PartitionLog } from '@runnel/log-store';
import { validateTopicName } from '@runnel/log-store';

/** Kafka's file name, in each log directory (ReplicaManager's HighWatermarkFilename). */
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint';
const VERSION = '0';

/** One partition's high watermark as the file records it. */
export interface PartitionHighWatermark {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/**
 * `<data-dir>/replication-offset-checkpoint`, Kafka's OffsetCheckpointFile format:
 *
 * ```
 * 0                      version
 * 2                      count
 * orders 0 1200          <topic> <partition> <high watermark>, count lines
 * orders 1 977
 * ```
 */
export function formatHighWatermarks(entries: readonly PartitionHighWatermark[]): string {
  const lines = entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`);
  return `${[VERSION, String(entries.length), ...lines].join('\n')}\n`;
}

/** The entries of a checkpoint's text; throws an Error naming the first line that is not Kafka's format. */
export function parseHighWatermarks(text: string): PartitionHighWatermark[] {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  if (lines[0] !== VERSION)
    throw new Error(`line 1 is ${JSON.stringify(lines[0])}, not the version ${VERSION}`);
  const count = /^\d+$/.test(lines[1] ?? '') ? Number(lines[1]) : Number.NaN;
  if (!Number.isSafeInteger(count) || count !== lines.length - 2) {
    throw new Error(`line 2 is ${JSON.stringify(lines[1])}, but ${lines.length - 2} entries follow`);
  }
  return lines.slice(2).map((line, i) => {
    const fields = line.split(' ');
    const [topic, partition, offset] = fields;
    const valid =
      fields.length === 3 &&
      isTopicName(topic!) &&
      /^\d{1,10}$/.test(partition!) &&
      Number(partition) <= 0x7fffffff &&
      /^\d{1,19}$/.test(offset!) &&
      BigInt(offset!) <= 0x7fffffffffffffffn;
    if (!valid)
      throw new Error(`line ${i + 3} is ${JSON.stringify(line)}, not "<topic> <partition> <offset>"`);
    return { topic: topic!, partition: Number(partition), offset: BigInt(offset!) };
  });
}

function isTopicName(topic: string): boolean {
  try {
    validateTopicName(topic);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads `<dataDir>/replication-offset-checkpoint`: no file is no entries; a file that does not
 * parse (torn or damaged: the atomic write below never leaves one) is no entries too, with the
 * reason in `problem`.
 */
export function readHighWatermarks(dataDir: string): { entries: PartitionHighWatermark[]; problem?: string } {
  const path = join(dataDir, REPLICATION_OFFSET_CHECKPOINT_FILE);
  if (!existsSync(path)) return { entries: [] };
  try {
    return { entries: parseHighWatermarks(readFileSync(path, 'utf8')) };
  } catch (err) {
    return { entries: [], problem: `${path} does not parse (${(err as Error).message})` };
  }
}

/**
 * Replaces the checkpoint atomically: the text goes to `<file>.tmp`, which is fsynced, renamed
 * over the file, and the directory fsynced, so a crash leaves the old file or the new one.
 * Asynchronous (libuv's pool), so the fsyncs never hold up the event loop.
 */
export async function writeHighWatermarks(
  dataDir: string,
  entries: readonly PartitionHighWatermark[],
): Promise<void> {
  const path = join(dataDir, REPLICATION_OFFSET_CHECKPOINT_FILE);
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(formatHighWatermarks(entries));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const dir = await open(dataDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * A cluster broker's high watermarks across restarts (Kafka's ReplicaManager
 * checkpointHighWatermarks): the high watermark of every log it holds (see PartitionLog
 * holdHighWatermark) is written every `replica.high.watermark.checkpoint.interval.ms` and at
 * clean shutdown, and a log held for the first time after a start begins at its checkpointed
 * value, capped at its log end, instead of at the log end, which may hold records that were
 * never replicated (acks=1, or not acknowledged).
 *
 * A partition the file does not name starts at its log start offset, as Kafka's starts at 0: a
 * new log is empty anyway, and for an existing one this exposes nothing unreplicated; its leader
 * moves the high watermark up as the ISR's fetches show them, its followers as the leader
 * answers. A file that does not parse is logged once and read as naming no partition, for the
 * same reason (Kafka takes the log directory offline instead; the file is only a hint of what
 * was committed, and the lowest hint is always safe).
 */
export class HighWatermarkCheckpoints {
  /** Checkpointed high watermarks not yet taken by a log, read at the first use. */
  private loaded: Map<string, PartitionHighWatermark> | undefined;
  private readonly held = new Map<string, { topic: string; partition: number; log: PartitionLog }>();
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly dataDir: string,
    intervalMs: number,
    /** The log hosted now for a partition (a dropped partition's old log is not written). */
    private readonly currentLog: (topic: string, partition: number) => PartitionLog | undefined,
    private readonly logger: LoggerService,
  ) {
    this.timer = setInterval(() => void this.write(), intervalMs);
    this.timer.unref();
  }

  /**
   * Holds `log`'s high watermark, starting it, if this is its first hold, at its checkpointed
   * value (or its log start offset when the file has none).
   */
  hold(topic: string, partition: number, log: PartitionLog): void {
    const k = key(topic, partition);
    if (this.held.get(k)?.log === log) return;
    const checkpointed = this.entries().get(k);
    this.loaded?.delete(k);
    log.holdHighWatermark(checkpointed?.offset ?? log.logStartOffset);
    this.held.set(k, { topic, partition, log });
  }

  /** Writes the checkpoint now (one write at a time; a write asked for meanwhile waits for it). */
  async write(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.closed) return;
    this.writing = writeHighWatermarks(this.dataDir, this.snapshot())
      .catch((err: unknown) => {
        this.logger.warn(`${REPLICATION_OFFSET_CHECKPOINT_FILE} not written: ${(err as Error).message}`);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  /** Clean shutdown: the last checkpoint, of the high watermarks as they are now. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.write();
    this.closed = true;
  }

  /** The entries to write: every held log that is still the partition's, and the loaded ones no log took yet. */
  private snapshot(): PartitionHighWatermark[] {
    const out: PartitionHighWatermark[] = [];
    for (const [k, { topic, partition, log }] of this.held) {
      // A log no longer the partition's (its topic deleted, or moved away) is forgotten.
      if (this.currentLog(topic, partition) !== log) this.held.delete(k);
      else if (!log.isOffline) out.push({ topic, partition, offset: log.highWatermark });
    }
    for (const [k, entry] of this.entries()) {
      if (!this.held.has(k) && this.currentLog(entry.topic, entry.partition)) out.push(entry);
    }
    return out;
  }

  private entries(): Map<string, PartitionHighWatermark> {
    if (this.loaded === undefined) {
      const { entries, problem } = readHighWatermarks(this.dataDir);
      if (problem !== undefined) {
        this.logger.warn(`${problem}: every partition's high watermark starts at its log start offset`);
      }
      this.loaded = new Map(entries.map((e) => [key(e.topic, e.partition), e]));
    }
    return this.loaded;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
