import { join } from 'node:path';
import { KafkaStorageError } from './errors.js';
import { readSmallFile, writeFileAtomically } from './storage-io.js';

/** Kafka's file name and format version (LeaderEpochCheckpointFile). */
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
const VERSION = 0;

/** A leader epoch and the first offset written at it. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

/** The answer of OffsetForLeaderEpoch / Fetch's divergingEpoch: an epoch this log has, and where it ends. */
export interface EpochEndOffset {
  /** The largest epoch of this log at or below the one asked for; -1 when there is none. */
  readonly epoch: number;
  /** The first offset after that epoch (the log end for the latest epoch); -1 when there is none. */
  readonly endOffset: bigint;
}

/**
 * The leader epochs of a partition's log and where each starts (Kafka's LeaderEpochFileCache),
 * kept in `<dir>/leader-epoch-checkpoint` in Kafka's text format: a version line (0), a count
 * line, then `<epoch> <startOffset>` per line, oldest first. An entry is added when a batch of a
 * newer epoch is appended; truncation drops the entries from where it cut. The file is replaced
 * atomically at each change (temporary file, fsync, rename, fsync of the directory, as Kafka's
 * CheckpointFile), which happens once per leader change; the entries change only once the file
 * has. A failed write or a file that does not parse is a KafkaStorageError naming the file.
 */
export class LeaderEpochCache {
  private entries: EpochEntry[];

  private constructor(private readonly dir: string) {
    this.entries = LeaderEpochCache.read(join(dir, LEADER_EPOCH_CHECKPOINT));
  }

  /** Loads the checkpoint of `dir` (none: no epochs), dropping entries at or past `logEndOffset`. */
  static open(dir: string, logEndOffset: bigint): LeaderEpochCache {
    const cache = new LeaderEpochCache(dir);
    cache.truncateFrom(logEndOffset);
    return cache;
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1;
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  /** A batch of `epoch` appended at `offset`: a newer epoch starts there. Epochs below 0 (unstamped) are ignored. */
  assign(epoch: number, offset: bigint): void {
    if (epoch < 0 || epoch <= this.latestEpoch) return;
    this.replace([...this.entries, { epoch, startOffset: offset }]);
  }

  /** Where `epoch` ends in this log (see EpochEndOffset), with `logEndOffset` the end of the latest. */
  endOffsetFor(epoch: number, logEndOffset: bigint): EpochEndOffset {
    let at = -1;
    for (let i = 0; i < this.entries.length && this.entries[i]!.epoch <= epoch; i++) at = i;
    if (at < 0) return { epoch: -1, endOffset: -1n };
    const next = this.entries[at + 1];
    return { epoch: this.entries[at]!.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** The log was cut at `offset`: epochs that start there or later are gone. */
  truncateFrom(offset: bigint): void {
    const kept = this.entries.filter((e) => e.startOffset < offset);
    if (kept.length === this.entries.length) return;
    this.replace(kept);
  }

  /** The log was emptied (a truncation below its first segment): no epoch is left. */
  clear(): void {
    if (this.entries.length === 0) return;
    this.replace([]);
  }

  /** Writes `entries` to the checkpoint, then holds them. */
  private replace(entries: EpochEntry[]): void {
    const path = join(this.dir, LEADER_EPOCH_CHECKPOINT);
    const lines = [
      String(VERSION),
      String(entries.length),
      ...entries.map((e) => `${e.epoch} ${e.startOffset}`),
    ];
    writeFileAtomically(path, `${path}.tmp`, `${lines.join('\n')}\n`);
    this.entries = entries;
  }

  private static read(path: string): EpochEntry[] {
    const text = readSmallFile(path);
    if (text === undefined) return [];
    const [version, count, ...rest] = text.trim().split('\n');
    const entries = rest.map((line) => /^(\d+)\s+(\d+)$/.exec(line.trim()));
    if (version !== String(VERSION) || Number(count) !== rest.length || entries.some((m) => m === null)) {
      throw new KafkaStorageError(
        `leader epoch checkpoint ${path} does not parse as version ${VERSION}: ${JSON.stringify(text.slice(0, 200))}`,
        path,
      );
    }
    return entries.map((m) => ({ epoch: Number(m![1]), startOffset: BigInt(m![2]!) }));
  }
}
