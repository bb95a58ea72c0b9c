import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * newer epoch is appended; truncation drops the entries from where it cut. The file is rewritten
 * (write then rename) at each change, which happens once per leader change.
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
    this.entries = [...this.entries, { epoch, startOffset: offset }];
    this.write();
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
    this.entries = kept;
    this.write();
  }

  /** The log was emptied (a truncation below its first segment): no epoch is left. */
  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.write();
  }

  private write(): void {
    const path = join(this.dir, LEADER_EPOCH_CHECKPOINT);
    const lines = [
      String(VERSION),
      String(this.entries.length),
      ...this.entries.map((e) => `${e.epoch} ${e.startOffset}`),
    ];
    writeFileSync(`${path}.tmp`, `${lines.join('\n')}\n`);
    renameSync(`${path}.tmp`, path);
  }

  private static read(path: string): EpochEntry[] {
    if (!existsSync(path)) return [];
    const [version, count, ...rest] = readFileSync(path, 'utf8').trim().split('\n');
    if (Number(version) !== VERSION || Number(count) !== rest.length) {
      throw new Error(`${path}: not a version ${VERSION} leader epoch checkpoint of ${count} entries`);
    }
    return rest.map((line) => {
      const [epoch, startOffset] = line.trim().split(/\s+/);
      return { epoch: Number(epoch), startOffset: BigInt(startOffset!) };
    });
  }
}
