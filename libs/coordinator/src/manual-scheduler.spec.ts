import { ManualScheduler } from './manual-scheduler.js';

describe('ManualScheduler', () => {
  it('runs tasks only when time is advanced past their due time, in due order, at their due time', () => {
    const scheduler = new ManualScheduler(100);
    const ran: string[] = [];
    scheduler.schedule(30, () => ran.push(`b@${scheduler.now()}`));
    scheduler.schedule(10, () => ran.push(`a@${scheduler.now()}`));
    scheduler.schedule(0, () => ran.push(`zero@${scheduler.now()}`));
    expect(ran).toEqual([]);

    scheduler.advance(29);
    expect(ran).toEqual(['zero@100', 'a@110']);
    expect(scheduler.now()).toBe(129);

    scheduler.advance(1);
    expect(ran).toEqual(['zero@100', 'a@110', 'b@130']);
  });

  it('runs tasks due at the same time in the order they were scheduled', () => {
    const scheduler = new ManualScheduler();
    const ran: number[] = [];
    for (const n of [1, 2, 3]) scheduler.schedule(5, () => ran.push(n));

    scheduler.advance(5);

    expect(ran).toEqual([1, 2, 3]);
  });

  it('never runs a cancelled task', () => {
    const scheduler = new ManualScheduler();
    let ran = false;
    const task = scheduler.schedule(5, () => {
      ran = true;
    });
    task.cancel();

    scheduler.advance(10);

    expect(ran).toBe(false);
    expect(scheduler.pendingTasks).toBe(0);
  });

  it('runs a task scheduled by a task within the same advance when it falls due in it', () => {
    const scheduler = new ManualScheduler();
    const ran: number[] = [];
    scheduler.schedule(10, () => {
      ran.push(scheduler.now());
      scheduler.schedule(10, () => ran.push(scheduler.now()));
    });

    scheduler.advance(25);

    expect(ran).toEqual([10, 20]);
  });

  it('refuses negative or non-finite delays', () => {
    const scheduler = new ManualScheduler();
    expect(() => scheduler.schedule(-1, () => undefined)).toThrow(RangeError);
    expect(() => scheduler.advance(Number.NaN)).toThrow(RangeError);
  });
});
