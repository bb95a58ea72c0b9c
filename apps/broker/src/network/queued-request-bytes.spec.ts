import { QueuedRequestBytes } from './queued-request-bytes.js';

describe('QueuedRequestBytes', () => {
  it('admits a frame while anything is left, so it holds at most the budget plus one frame', () => {
    const budget = new QueuedRequestBytes(100);
    expect(budget.tryReserve(60)).toBe(true);
    expect(budget.tryReserve(90)).toBe(true); // 40 left: admitted whole, as Kafka's non-strict pool
    expect(budget.used).toBe(150);
    expect(budget.tryReserve(1)).toBe(false);
    expect(budget.peak).toBe(150);
  });

  it('wakes waiters in the order they came, once bytes are released, until the budget is used again', async () => {
    const budget = new QueuedRequestBytes(100);
    budget.tryReserve(100);
    const woken: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      budget.waitForBytes(() => {
        woken.push(name);
        budget.tryReserve(30);
      });
    }
    budget.release(50);
    expect(woken).toEqual([]); // not from inside release
    await Promise.resolve();
    expect(woken).toEqual(['a', 'b']); // 50 + 30 < 100, then 80 + 30 = 110: c waits on
    expect(budget.waiting).toBe(1);
    budget.release(110);
    await Promise.resolve();
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('forgets a waiter that cancels, and with capacity -1 never refuses', async () => {
    const budget = new QueuedRequestBytes(10);
    budget.tryReserve(10);
    let woken = 0;
    const wake = () => woken++;
    budget.waitForBytes(wake);
    budget.cancelWait(wake);
    budget.release(10);
    await Promise.resolve();
    expect(woken).toBe(0);
    const unlimited = new QueuedRequestBytes(-1);
    expect(unlimited.tryReserve(1e12) && unlimited.tryReserve(1e12)).toBe(true);
  });
});
