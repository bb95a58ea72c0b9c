import { QueuedRequestBytes, SMALL_REQUEST_BYTES } from './queued-request-bytes.js';

const MiB = 1024 * 1024;
const never = () => {
  throw new Error('woken');
};

describe('QueuedRequestBytes', () => {
  it('admits a frame while anything is left, so it holds at most the budget plus one frame', () => {
    const budget = new QueuedRequestBytes(100);
    expect(budget.reserveOrWait(60, never)).toBe(true);
    expect(budget.reserveOrWait(90, never)).toBe(true); // 40 left: admitted whole, as Kafka's non-strict pool
    expect(budget.used).toBe(150);
    expect(budget.reserveOrWait(1, () => {})).toBe(false);
    expect(budget.peak).toBe(150);
    expect(budget.waiting).toBe(1);
  });

  it('keeps the last eighth of the budget for small requests, and wakes a large one only below it', async () => {
    const budget = new QueuedRequestBytes(80 * MiB); // large requests get in below 70 MiB
    expect(budget.reserveOrWait(69 * MiB, never)).toBe(true);
    expect(budget.reserveOrWait(2 * MiB, never)).toBe(true); // 69 < 70: admitted whole
    let largeWoken = 0;
    const wakeLarge = () => largeWoken++;
    expect(budget.reserveOrWait(2 * MiB, wakeLarge)).toBe(false); // 71 >= 70
    expect(budget.reserveOrWait(SMALL_REQUEST_BYTES, never)).toBe(true); // 71 < 80: small ones still
    budget.release(SMALL_REQUEST_BYTES + 1 * MiB); // 70 MiB: still no room for a large one
    await Promise.resolve();
    expect(largeWoken).toBe(0);
    budget.release(1);
    await Promise.resolve();
    expect(largeWoken).toBe(1);
  });

  it('wakes waiters of each kind in the order they came, once bytes are released, until their share is used again', async () => {
    const budget = new QueuedRequestBytes(800);
    expect(budget.reserveOrWait(800, never)).toBe(true);
    const woken: string[] = [];
    const waiter = (name: string, bytes: number) => {
      const wake = () => {
        woken.push(name);
        expect(budget.reserveOrWait(bytes, wake)).toBe(true);
      };
      expect(budget.reserveOrWait(bytes, wake)).toBe(false);
    };
    waiter('a', 300);
    waiter('b', 300);
    waiter('c', 300);
    budget.release(500);
    expect(woken).toEqual([]); // not from inside release
    await Promise.resolve();
    expect(woken).toEqual(['a', 'b']); // 300 + 300 = 600 < 800, then 900: c waits on
    expect(budget.waiting).toBe(1);
    budget.release(900);
    await Promise.resolve();
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('forgets a waiter that cancels, and with capacity -1 never refuses', async () => {
    const budget = new QueuedRequestBytes(10);
    budget.reserveOrWait(10, never);
    let woken = 0;
    const wake = () => woken++;
    expect(budget.reserveOrWait(1, wake)).toBe(false);
    budget.cancelWait(wake);
    budget.release(10);
    await Promise.resolve();
    expect(woken).toBe(0);
    const unlimited = new QueuedRequestBytes(-1);
    expect(unlimited.reserveOrWait(1e12, never) && unlimited.reserveOrWait(1e12, never)).toBe(true);
  });
});
