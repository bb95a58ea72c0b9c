import { BufferPool } from './buffer-pool.js';

const timeout = () => new Error('timed out');

describe('BufferPool', () => {
  it('reserves while bytes are free and gives them back on release', () => {
    const pool = new BufferPool(100, 10);
    expect(pool.tryReserve(60)).toBe(true);
    expect(pool.tryReserve(50)).toBe(false);
    expect(pool.reserved).toBe(60);
    pool.release(60);
    expect(pool.available).toBe(100);
  });

  it('serves waiters first come, first served, and lets nobody jump the line', async () => {
    const pool = new BufferPool(100, 10);
    pool.tryReserve(100);
    const served: string[] = [];
    const big = pool.reserve(80, 10_000, timeout).then(() => served.push('big'));
    const small = pool.reserve(10, 10_000, timeout).then(() => served.push('small'));
    // 10 bytes would fit after this release, but the 80-byte waiter is first in line.
    pool.release(30);
    expect(pool.tryReserve(10)).toBe(false);
    await Promise.resolve();
    expect(served).toEqual([]);
    pool.release(70);
    await Promise.all([big, small]);
    expect(served).toEqual(['big', 'small']);
    expect(pool.reserved).toBe(90);
  });

  it('rejects a waiter after its timeout without reserving, and then serves the one behind it', async () => {
    const pool = new BufferPool(100, 10);
    pool.tryReserve(50);
    const big = pool.reserve(90, 20, () => new Error('no room for 90 bytes'));
    const small = pool.reserve(40, 10_000, timeout);
    await expect(big).rejects.toThrow('no room for 90 bytes');
    await small;
    expect(pool.reserved).toBe(90);
    expect(pool.hasWaiters).toBe(false);
  });

  it('hands out recycled buffers of the poolable size, and keeps no other size', () => {
    const pool = new BufferPool(100, 10);
    const first = pool.allocate();
    expect(first).toHaveLength(10);
    pool.recycle(first);
    pool.recycle(Buffer.alloc(20));
    expect(pool.allocate()).toBe(first);
    expect(pool.allocate()).not.toBe(first);
  });
});
