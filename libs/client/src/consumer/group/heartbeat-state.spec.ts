import { HeartbeatState } from './heartbeat-state.js';

const timings = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 20_000,
  retryBackoffMs: 100,
};

describe('HeartbeatState', () => {
  it('is due one interval after the last heartbeat was sent', () => {
    const state = new HeartbeatState(timings, 1_000);
    expect(state.timeToNextHeartbeat(1_000)).toBe(3_000);
    expect(state.timeToNextHeartbeat(4_000)).toBe(0);
    state.sent(4_000);
    expect(state.inFlight).toBe(true);
    expect(state.timeToNextHeartbeat(5_000)).toBe(2_000);
    state.received(5_000);
    expect(state.inFlight).toBe(false);
  });

  it('retries a failed heartbeat after the backoff, not a whole interval', () => {
    const state = new HeartbeatState(timings, 0);
    state.sent(3_000);
    state.failed(3_500);
    expect(state.timeToNextHeartbeat(3_500)).toBe(100);
  });

  it('counts the session from the last answer, and a restart of the session clock', () => {
    const state = new HeartbeatState(timings, 0);
    state.received(2_000);
    expect(state.sessionTimeoutExpired(12_000)).toBe(false);
    expect(state.sessionTimeoutExpired(12_001)).toBe(true);
    state.restartSession(12_001);
    expect(state.sessionTimeoutExpired(22_001)).toBe(false);
  });

  it('expires the poll interval only after maxPollIntervalMs without progress', () => {
    const state = new HeartbeatState(timings, 0);
    state.notePoll(5_000);
    expect(state.sincePoll(15_000)).toBe(10_000);
    expect(state.pollTimeoutExpired(25_000)).toBe(false);
    expect(state.timeToPollTimeout(25_000)).toBe(1);
    expect(state.pollTimeoutExpired(25_001)).toBe(true);
    expect(state.timeToPollTimeout(30_000)).toBe(0);
  });

  it('a completed join restarts the session and the interval', () => {
    const state = new HeartbeatState(timings, 0);
    state.resetSession(50_000);
    expect(state.sessionTimeoutExpired(59_000)).toBe(false);
    expect(state.timeToNextHeartbeat(50_000)).toBe(3_000);
  });
});
