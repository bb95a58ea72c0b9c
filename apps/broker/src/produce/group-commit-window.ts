import type { PartitionLog } from '@runnel/log-store';
import { ErrorCode, KafkaError } from '@runnel/protocol';

/**
 * Durability for acks=-1 produces: a request is answered once everything it appended is fsynced.
 *
 * The first request that needs a flush opens a window of `groupCommitWindowMs` (default 0 ms);
 * every request that needs one while the window is open — on any connection, to any partition —
 * joins it. When the window closes, each log named in it gets one `PartitionLog.flush()`, whose
 * own group commit lets at most one fsync round run per log, so N concurrent acks=-1 producers
 * cost about one fsync per log per window, not N. A window of 0 flushes at once (the log's group
 * commit still shares rounds among requests that overlap a running fsync).
 *
 * Stopping flushes the open window at once, and later requests do not wait for a window.
 */
export class GroupCommitWindow {
  /** Logs to flush when the open window closes, each with the promise its waiters share. */
  private pending = new Map<PartitionLog, Promise<void>>();
  private window: { closed: Promise<void>; close: () => void; timer: NodeJS.Timeout } | undefined;
  private stopped = false;

  constructor(private readonly windowMs: number) {}

  /** Resolves once everything appended to `log` before the call is fsynced; rejects if that flush fails. */
  durable(log: PartitionLog): Promise<void> {
    if (this.windowMs === 0 || this.stopped) return flushLog(log);
    let flushed = this.pending.get(log);
    if (flushed === undefined) {
      flushed = this.openWindow().then(() => flushLog(log));
      this.pending.set(log, flushed);
    }
    return flushed;
  }

  /** Flushes the open window now; no later request waits for one. */
  stop(): void {
    this.stopped = true;
    this.closeWindow();
  }

  /** Resolves when the open window (opened now if there is none) closes. */
  private openWindow(): Promise<void> {
    if (this.window === undefined) {
      let close!: () => void;
      const closed = new Promise<void>((resolve) => {
        close = resolve;
      });
      this.window = { closed, close, timer: setTimeout(() => this.closeWindow(), this.windowMs) };
    }
    return this.window.closed;
  }

  private closeWindow(): void {
    const window = this.window;
    if (window === undefined) return;
    clearTimeout(window.timer);
    this.window = undefined;
    this.pending = new Map();
    window.close();
  }
}

/**
 * Waits for the fsync of every log in `logs`, for at most `timeoutMs` (a Produce request's
 * `timeoutMs`: how long acks=-1 may wait). Returns the logs that did not make it, each with the
 * code its partitions are answered with: REQUEST_TIMED_OUT when the time ran out first (the
 * records stay appended, as in Kafka), the flush's KafkaError code (KAFKA_STORAGE_ERROR) when it
 * failed, UNKNOWN_TOPIC_OR_PARTITION when the log was closed first (its topic was deleted). A
 * `timeoutMs` of 0 or less waits for nothing: every log still to be flushed times out.
 */
export async function awaitDurable(
  window: GroupCommitWindow,
  logs: ReadonlySet<PartitionLog>,
  timeoutMs: number,
): Promise<Map<PartitionLog, number>> {
  const failed = new Map<PartitionLog, number>();
  if (logs.size === 0) return failed;
  if (timeoutMs <= 0) {
    for (const log of logs) failed.set(log, ErrorCode.REQUEST_TIMED_OUT);
    return failed;
  }
  const outstanding = new Set(logs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  const flushes = [...logs].map((log) =>
    window.durable(log).then(
      () => outstanding.delete(log),
      (err: unknown) => {
        if (outstanding.delete(log)) failed.set(log, flushFailureCode(err));
      },
    ),
  );
  try {
    await Promise.race([Promise.all(flushes), deadline]);
  } finally {
    clearTimeout(timer);
  }
  for (const log of outstanding) failed.set(log, ErrorCode.REQUEST_TIMED_OUT);
  outstanding.clear();
  return failed;
}

function flushFailureCode(err: unknown): number {
  return err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
}

/** `log.flush()`, with a log that is offline or closed reported by rejection rather than a throw. */
function flushLog(log: PartitionLog): Promise<void> {
  try {
    return log.flush();
  } catch (err) {
    return Promise.reject(err);
  }
}
