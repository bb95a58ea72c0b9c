import type { Clock, ScheduledTask, Scheduler } from '@runnel/coordinator';
import { Heartbeat, KafkaError } from '@runnel/protocol';
import type { CoordinatorConnections } from './coordinator-connections.js';
import { type GroupErrorAction, heartbeatAction } from './group-error-actions.js';
import { HeartbeatState, type HeartbeatTimings } from './heartbeat-state.js';
import type { MemberIdentity } from './offset-requests.js';

export interface HeartbeatEvents {
  /** A heartbeat was answered NONE: the member is in its generation. */
  onHeartbeat(): void;
  /** A heartbeat answer that asks for something (rejoin, reset, find the coordinator, fatal). */
  onHeartbeatError(action: GroupErrorAction, error: KafkaError): void;
  /** The consumer made no progress for longer than `maxPollIntervalMs`. */
  onPollTimeout(sincePollMs: number): void;
}

/**
 * Heartbeats on a timer of their own, while the member is in a stable generation: they go out
 * every `heartbeatIntervalMs` whatever handlers are doing (a handler awaiting I/O never delays
 * one), which is what keeps a member with slow handlers in its group up to `maxPollIntervalMs`.
 * The same timer watches the poll interval.
 *
 * One timer at a time; `start` arms it for a generation, `stop` disarms it. An answer that comes
 * back after the loop moved to another generation (or stopped) is ignored, so a late
 * REBALANCE_IN_PROGRESS from generation n never disturbs generation n+1.
 */
export class HeartbeatLoop {
  readonly #state: HeartbeatState;
  #task: ScheduledTask | undefined;
  #member: MemberIdentity | undefined;
  /** Bumped by start and stop; answers carrying an older round are stale. */
  #round = 0;

  constructor(
    private readonly timings: HeartbeatTimings,
    private readonly connections: CoordinatorConnections,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly events: HeartbeatEvents,
  ) {
    this.#state = new HeartbeatState(timings, clock.now());
  }

  /** A join completed: heartbeat for this generation from now on. */
  start(member: MemberIdentity): void {
    this.stop();
    this.#member = member;
    this.#state.resetSession(this.clock.now());
    this.#arm(this.timings.heartbeatIntervalMs);
  }

  stop(): void {
    this.#round++;
    this.#member = undefined;
    this.#task?.cancel();
    this.#task = undefined;
  }

  notePoll(): void {
    this.#state.notePoll(this.clock.now());
  }

  #arm(delayMs: number): void {
    this.#task?.cancel();
    this.#task = this.scheduler.schedule(delayMs, () => this.#tick());
  }

  #tick(): void {
    this.#task = undefined;
    const member = this.#member;
    if (member === undefined) return;
    const now = this.clock.now();
    if (this.#state.pollTimeoutExpired(now)) {
      const since = this.#state.sincePoll(now);
      this.stop();
      this.events.onPollTimeout(since);
      return;
    }
    if (this.#state.sessionTimeoutExpired(now)) {
      // Silent for a whole session: the coordinator may have moved. Find it again; the next
      // answer (likely UNKNOWN_MEMBER_ID) says whether the member is still in the group.
      this.#state.restartSession(now);
      void this.connections.markUnknown();
    }
    if (!this.#state.inFlight && this.#state.timeToNextHeartbeat(now) === 0) this.#send(member, now);
    const untilHeartbeat = this.#state.inFlight
      ? Math.max(this.timings.retryBackoffMs, this.#state.timeToNextHeartbeat(now))
      : this.#state.timeToNextHeartbeat(now);
    this.#arm(Math.max(1, Math.min(untilHeartbeat, this.#state.timeToPollTimeout(now))));
  }

  #send(member: MemberIdentity, now: number): void {
    const round = this.#round;
    this.#state.sent(now);
    const answered = this.connections.membership().then((connection) =>
      connection.request(Heartbeat, {
        groupId: member.groupId,
        generationId: member.generationId,
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
      }),
    );
    answered.then(
      ({ errorCode }) => {
        if (round !== this.#round) return;
        const action = heartbeatAction(errorCode);
        if (action === 'none' || action === 'rejoin') this.#state.received(this.clock.now());
        else this.#failed();
        if (action === 'none') this.events.onHeartbeat();
        else {
          this.events.onHeartbeatError(
            action,
            KafkaError.fromCode(errorCode, { context: `group '${member.groupId}' Heartbeat` }),
          );
        }
      },
      () => {
        // No answer (the connection closed or timed out; it is forgotten by itself): try again
        // after the backoff, on a new connection.
        if (round === this.#round) this.#failed();
      },
    );
  }

  #failed(): void {
    this.#state.failed(this.clock.now());
    this.#arm(this.timings.retryBackoffMs);
  }
}
