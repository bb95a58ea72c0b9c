import { percentile } from './percentiles.js';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the nearest-rank value: p50 of 1..100 is 50, p99 is 99, p100 the largest', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('is always a measured value, never an interpolation', () => {
    const values = [0.5, 2, 40];
    expect(percentile(values, 50)).toBe(2);
    expect(percentile(values, 99)).toBe(40);
    expect(percentile(values, 1)).toBe(0.5);
  });

  it('of one value is that value at every percentile', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no values and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no values');
    expect(() => percentile(hundred, 0)).toThrow('percentile 0 is outside (0, 100]');
    expect(() => percentile(hundred, 101)).toThrow('percentile 101 is outside (0, 100]');
    expect(() => percentile(hundred, Number.NaN)).toThrow(RangeError);
  });
});
