/**
 * The member's three clocks, after Kafka's `Heartbeat`: when the next heartbeat is due, whether
 * the coordinator has been silent past the session timeout, and whether the consumer has gone
 * without progress past `max.poll.interval.ms`. Pure: every method takes the time, so tests drive
 * it without timers.
 *
 * Invariants: a heartbeat is due `heartbeatIntervalMs` after the last one was sent (or after a
 * failed one, `retryBackoffMs`); the session counts from the last answered heartbeat or completed
 * join; the poll interval counts from the last `notePoll`.
 */
export interface HeartbeatTimings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly retryBackoffMs: number;
}

export class HeartbeatState {
  #lastReceivedMs: number;
  #lastPollMs: number;
  #nextDueMs: number;
  #inFlight = false;

  constructor(
    private readonly timings: HeartbeatTimings,
    nowMs: number,
  ) {
    this.#lastReceivedMs = nowMs;
    this.#lastPollMs = nowMs;
    this.#nextDueMs = nowMs + timings.heartbeatIntervalMs;
  }

  /** A join completed: the coordinator has just heard from the member. */
  resetSession(nowMs: number): void {
    this.#lastReceivedMs = nowMs;
    this.#nextDueMs = nowMs + this.timings.heartbeatIntervalMs;
  }

  /** The coordinator was given up on (silent a whole session): count a new session from now. */
  restartSession(nowMs: number): void {
    this.#lastReceivedMs = nowMs;
  }

  sent(nowMs: number): void {
    this.#inFlight = true;
    this.#nextDueMs = nowMs + this.timings.heartbeatIntervalMs;
  }

  received(nowMs: number): void {
    this.#inFlight = false;
    this.#lastReceivedMs = nowMs;
  }

  /** No answer (a lost connection, a timeout): try again after the backoff, not a whole interval. */
  failed(nowMs: number): void {
    this.#inFlight = false;
    this.#nextDueMs = nowMs + this.timings.retryBackoffMs;
  }

  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** Milliseconds until the next heartbeat is due; 0 when it is due now. */
  timeToNextHeartbeat(nowMs: number): number {
    return Math.max(0, this.#nextDueMs - nowMs);
  }

  /** The coordinator has not answered for a whole session: it should be looked up again. */
  sessionTimeoutExpired(nowMs: number): boolean {
    return nowMs - this.#lastReceivedMs > this.timings.sessionTimeoutMs;
  }

  notePoll(nowMs: number): void {
    this.#lastPollMs = nowMs;
  }

  /** How long since the consumer last made progress. */
  sincePoll(nowMs: number): number {
    return nowMs - this.#lastPollMs;
  }

  pollTimeoutExpired(nowMs: number): boolean {
    return this.sincePoll(nowMs) > this.timings.maxPollIntervalMs;
  }

  /** Milliseconds until the poll interval runs out; 0 when it has. */
  timeToPollTimeout(nowMs: number): number {
    return Math.max(0, this.#lastPollMs + this.timings.maxPollIntervalMs + 1 - nowMs);
  }
}
