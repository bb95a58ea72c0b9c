/**
 * What a nemesis run did and saw, in the terms the checker reasons about (Jepsen's history).
 * Times are milliseconds since the run started.
 */

/**
 * How a send ended: `ok` the broker acknowledged it at `offset`; `failed` a definite error that
 * means nothing was written (the producer never sent it, or the broker refused it before the
 * append); `unknown` it may or may not have been written (a timeout, a lost connection, an error
 * the broker gives after the append).
 */
export type SendOutcome = 'ok' | 'failed' | 'unknown';

/** One value a writer sent: `w<writer>-<n>`, n counting that writer's sends in the order they were made. */
export interface SendEvent {
  readonly writer: number;
  readonly n: number;
  readonly value: string;
  readonly partition: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: SendOutcome;
  /** The offset the broker acknowledged, for `ok`. */
  readonly offset?: bigint;
  /** The error, for `failed` and `unknown`. */
  readonly error?: string;
}

/** What the nemesis did: `kill broker 2 (leader of p1)`, `resume broker 3`, `restart etcd`. */
export interface NemesisEvent {
  readonly atMs: number;
  readonly action: string;
}

/** A record the group's consumer was handed: it must be in the final log at that offset. */
export interface ReadEvent {
  readonly partition: number;
  readonly offset: bigint;
  readonly value: string;
  readonly atMs: number;
}

/** An offset the group committed (the next offset to read), acknowledged by its coordinator. */
export interface CommitEvent {
  readonly partition: number;
  readonly offset: bigint;
  readonly atMs: number;
}

export interface History {
  readonly seed: number;
  readonly sends: readonly SendEvent[];
  readonly nemesis: readonly NemesisEvent[];
  readonly reads: readonly ReadEvent[];
  readonly commits: readonly CommitEvent[];
}

/** One record of a replica's log: the offset and its value as written by a writer. */
export interface LogRecord {
  readonly offset: bigint;
  readonly value: string;
  /** Where it came from, to tell a retry the broker failed to recognise from a second producer id: its batch's producer id and epoch, its own sequence number, and the leader epoch it was appended at. */
  readonly producer?: {
    readonly id: bigint;
    readonly epoch: number;
    readonly sequence: number;
    readonly leaderEpoch: number;
  };
}

/** Every replica's log of one partition after healing, and what its leader then said of it. */
export interface PartitionOutcome {
  readonly partition: number;
  readonly leader: number;
  readonly isr: readonly number[];
  readonly highWatermark: bigint;
  /** Each replica's whole log, in offset order, by broker id. */
  readonly replicas: ReadonlyMap<number, readonly LogRecord[]>;
}
