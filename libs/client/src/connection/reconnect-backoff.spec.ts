import { reconnectBackoff } from './reconnect-backoff.js';

describe('reconnectBackoff', () => {
  const middle = (): number => 0.5;

  it('doubles from reconnectBackoffMs with each failure up to reconnectBackoffMaxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((n) => reconnectBackoff(n, 50, 1000, middle))).toEqual([
      0, 50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads each wait by at most 20% either way, and never past the maximum', () => {
    expect(reconnectBackoff(3, 50, 1000, () => 0)).toBe(160);
    expect(reconnectBackoff(3, 50, 1000, () => 0.999999)).toBe(240);
    expect(reconnectBackoff(10, 50, 1000, () => 0.999999)).toBe(1000);
    expect(reconnectBackoff(10, 50, 1000, () => 0)).toBe(800);
  });
});
