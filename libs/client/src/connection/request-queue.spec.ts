import { RequestQueue } from './request-queue.js';

describe('RequestQueue', () => {
  it('gives items back in the order they went in, across growth and wrap-around', () => {
    const queue = new RequestQueue<number>();
    const expected: number[] = [];
    const got: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps around the ring before and after it grows.
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) {
        queue.push(next);
        expected.push(next++);
      }
      for (let i = 0; i < round % 5; i++) {
        const item = queue.shift();
        if (item !== undefined) got.push(item);
      }
      expect(queue.size).toBe(expected.length - got.length);
      expect(queue.peek()).toBe(expected[got.length]);
    }
    const seen: number[] = [];
    queue.forEach((item) => {
      seen.push(item);
    });
    expect(seen).toEqual(expected.slice(got.length));
    got.push(...queue.drain());
    expect(got).toEqual(expected);
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
  });
});
