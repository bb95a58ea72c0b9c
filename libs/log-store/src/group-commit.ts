/**
 * Group commit for one log: many callers of `flush()` share one fsync round.
 *
 * At most one round runs at a time. A round flushes everything appended before it started. A
 * caller whose appends that round already covers waits for it; any other caller waits for the
 * next round, which starts when the running one ends and covers every append made until then.
 * So with N producers waiting for durability, at most two rounds are pending, not N.
 */
export class GroupCommit {
  private running: { target: bigint; done: Promise<void> } | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    /** Current end of the log: a round started now makes everything below it durable. */
    private readonly endOffset: () => bigint,
    /** Offsets below this are durable already. */
    private readonly durableOffset: () => bigint,
    /** One round: make everything below `target` durable. */
    private readonly flushUpTo: (target: bigint) => Promise<void>,
  ) {}

  /** Resolves once everything appended before the call is durable; rejects if a round fails. */
  request(): Promise<void> {
    const target = this.endOffset();
    if (this.running === undefined) {
      return target <= this.durableOffset() ? Promise.resolve() : this.start();
    }
    if (target <= this.running.target) return this.running.done;
    this.queued ??= this.running.done
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** Resolves when no round is running or queued (whatever their outcome). */
  async idle(): Promise<void> {
    while (this.running !== undefined || this.queued !== undefined) {
      await (this.queued ?? this.running?.done)?.catch(() => undefined);
    }
  }

  private start(): Promise<void> {
    const target = this.endOffset();
    const done = this.flushUpTo(target).finally(() => {
      if (this.running?.done === done) this.running = undefined;
    });
    this.running = { target, done };
    return done;
  }
}
