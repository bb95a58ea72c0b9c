import { jest } from '@jest/globals';
import { TimerScheduler } from './timer-scheduler.js';

describe('TimerScheduler', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs a task once after its delay', () => {
    const ran: number[] = [];
    new TimerScheduler().schedule(1000, () => ran.push(1));

    jest.advanceTimersByTime(999);
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual([1]);
    jest.advanceTimersByTime(10_000);
    expect(ran).toEqual([1]);
  });

  it('does not run a cancelled task', () => {
    const ran: number[] = [];
    new TimerScheduler().schedule(1000, () => ran.push(1)).cancel();

    jest.advanceTimersByTime(2000);

    expect(ran).toEqual([]);
  });

  it("waits the whole delay when it exceeds setTimeout's 2^31-1 ms limit, and can still be cancelled", () => {
    const thirtyDays = 30 * 24 * 60 * 60 * 1000;
    const ran: string[] = [];
    const scheduler = new TimerScheduler();
    scheduler.schedule(thirtyDays, () => ran.push('long'));
    const cancelled = scheduler.schedule(thirtyDays, () => ran.push('cancelled'));

    jest.advanceTimersByTime(2 ** 31);
    cancelled.cancel();
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(thirtyDays - 2 ** 31);

    expect(ran).toEqual(['long']);
  });
});
