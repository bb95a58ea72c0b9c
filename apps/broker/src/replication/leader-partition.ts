import type { PartitionLog } from '@runnel/log-store';

/** What the leader knows of one follower (Kafka's Replica state). */
interface FollowerState {
  /** Its log end offset: the offset it last fetched from. 0 until it fetches (an empty log). */
  logEndOffset: bigint;
  /** When it last had everything the leader had (`replica.lag.time.max.ms` counts from here). */
  lastCaughtUpMs: number;
  /** The leader's log end offset when it last fetched, and when. */
  lastFetchLeaderEnd: bigint;
  lastFetchMs: number;
}

interface HighWatermarkWaiter {
  readonly offset: bigint;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A partition this broker leads at one leader epoch (Kafka's Partition on its leader): the
 * followers' fetch positions, the high watermark (the smallest log end offset among the in-sync
 * replicas, never moving back) and the acks=-1 produce requests waiting for it (a produce
 * purgatory, completed as the followers' fetches advance).
 *
 * A follower is caught up at a fetch from the leader's log end offset, or from the log end
 * offset the leader had at the follower's previous fetch (then as of that fetch), as Kafka's
 * Replica.updateFetchState decides; `laggingFollowers` names the in-sync ones not caught up for
 * longer than `replica.lag.time.max.ms`, `caughtUpFollowers` the others that may rejoin.
 *
 * The high watermark counts the followers this leader is adding to the ISR from the moment it
 * writes the addition (`expandingIsr`), not from when etcd's answer comes back through the
 * watch: once etcd lists a follower in the ISR the controller may make it leader, so nothing may
 * be committed that it lacks (Kafka's "maximal ISR", KIP-497). The nemesis suite showed the race:
 * a preferred leader elected right after rejoining lacked a record its predecessor had
 * acknowledged (seed 77, 540 s).
 */
export class LeaderPartition {
  private readonly followers = new Map<number, FollowerState>();
  private waiters: HighWatermarkWaiter[] = [];
  private inSync: readonly number[];
  /** Followers whose addition to the ISR is being written or not yet seen in the metadata. */
  private readonly joining = new Set<number>();
  private isResigned = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly log: PartitionLog,
    readonly leaderEpoch: number,
    private readonly nodeId: number,
    replicas: readonly number[],
    isr: readonly number[],
    nowMs: number,
  ) {
    this.inSync = isr;
    // A new leader gives every follower the lag time to show up before it counts as lagging.
    for (const id of replicas) {
      if (id === nodeId) continue;
      this.followers.set(id, {
        logEndOffset: 0n,
        lastCaughtUpMs: nowMs,
        lastFetchLeaderEnd: 0n,
        lastFetchMs: nowMs,
      });
    }
    log.holdHighWatermark();
    log.watchAppends(this.watcher);
    this.maybeAdvanceHighWatermark();
  }

  /** With no follower in sync, each append of the leader's is committed at once. */
  private readonly watcher = {
    appended: () => this.maybeAdvanceHighWatermark(),
    failed: () => this.resign(),
  };

  get isr(): readonly number[] {
    return this.inSync;
  }

  /** Whether this broker stopped leading the partition at this epoch. */
  get resigned(): boolean {
    return this.isResigned;
  }

  isReplica(id: number): boolean {
    return this.followers.has(id);
  }

  /** The ISR as etcd now holds it: a shrink may let the high watermark advance. */
  setIsr(isr: readonly number[]): void {
    this.inSync = isr;
    for (const id of isr) this.joining.delete(id);
    this.maybeAdvanceHighWatermark();
  }

  /** This leader is writing `ids` into the ISR: from now on the high watermark waits for them too. */
  expandingIsr(ids: readonly number[]): void {
    for (const id of ids) this.joining.add(id);
  }

  /** The addition of `ids` was not written: they no longer hold the high watermark back. */
  isrExpansionFailed(ids: readonly number[]): void {
    for (const id of ids) this.joining.delete(id);
    this.maybeAdvanceHighWatermark();
  }

  /** A follower's Fetch from `fetchOffset`: it has everything below. */
  followerFetched(id: number, fetchOffset: bigint, nowMs: number): void {
    const follower = this.followers.get(id);
    if (!follower) return;
    const leaderEnd = this.log.logEndOffset;
    if (fetchOffset >= leaderEnd) follower.lastCaughtUpMs = nowMs;
    else if (fetchOffset >= follower.lastFetchLeaderEnd) {
      follower.lastCaughtUpMs = Math.max(follower.lastCaughtUpMs, follower.lastFetchMs);
    }
    follower.logEndOffset = fetchOffset;
    follower.lastFetchLeaderEnd = leaderEnd;
    follower.lastFetchMs = nowMs;
    this.maybeAdvanceHighWatermark();
  }

  /** In-sync followers not caught up for more than `lagMaxMs`. */
  laggingFollowers(nowMs: number, lagMaxMs: number): number[] {
    return this.inSync.filter((id) => {
      const follower = this.followers.get(id);
      return follower !== undefined && nowMs - follower.lastCaughtUpMs > lagMaxMs;
    });
  }

  /**
   * Followers outside the ISR that may join it (Kafka's isFollowerInSync): their log reaches the
   * high watermark and they were caught up within `lagMaxMs`.
   */
  caughtUpFollowers(nowMs: number, lagMaxMs: number): number[] {
    const highWatermark = this.log.highWatermark;
    return [...this.followers]
      .filter(
        ([id, f]) =>
          !this.inSync.includes(id) &&
          !this.joining.has(id) &&
          f.logEndOffset >= highWatermark &&
          nowMs - f.lastCaughtUpMs <= lagMaxMs,
      )
      .map(([id]) => id);
  }

  /**
   * Resolves true once the high watermark reaches `offset` (every in-sync replica has what lies
   * below), false after `timeoutMs` or when this broker stops leading at this epoch.
   */
  awaitHighWatermark(offset: bigint, timeoutMs: number): Promise<boolean> {
    if (this.log.highWatermark >= offset) return Promise.resolve(true);
    if (this.resigned) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: HighWatermarkWaiter = {
        offset,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** No longer the leader at this epoch: every waiter is answered false. */
  resign(): void {
    this.isResigned = true;
    this.log.unwatchAppends(this.watcher);
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
  }

  private maybeAdvanceHighWatermark(): void {
    let next = this.log.logEndOffset;
    for (const id of [...this.inSync, ...this.joining]) {
      if (id === this.nodeId) continue;
      const end = this.followers.get(id)?.logEndOffset ?? 0n;
      if (end < next) next = end;
    }
    if (!this.log.advanceHighWatermark(next) || this.waiters.length === 0) return;
    const highWatermark = this.log.highWatermark;
    const waiting: HighWatermarkWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.offset <= highWatermark) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}
