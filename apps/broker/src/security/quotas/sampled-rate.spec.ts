import { SampledRate } from './sampled-rate.js';

const windows = { samples: 11, sampleMs: 1000 };

describe('SampledRate', () => {
  it('measures a first burst over at least samples - 1 windows, as Kafka Rate', () => {
    const rate = new SampledRate(windows);
    rate.record(10_000, 0);
    expect(rate.windowMs(0)).toBe(10_000);
    expect(rate.measure(0)).toBe(1000);
  });

  it('measures a steady rate as that rate once the window is full', () => {
    const rate = new SampledRate(windows);
    for (let ms = 0; ms <= 30_000; ms += 100) rate.record(100, ms);
    expect(rate.measure(30_000)).toBeGreaterThan(950);
    expect(rate.measure(30_000)).toBeLessThan(1050);
  });

  it('forgets samples older than the whole window', () => {
    const rate = new SampledRate(windows);
    rate.record(1_000_000, 0);
    expect(rate.measure(10_999)).toBeGreaterThan(0);
    expect(rate.measure(11_000)).toBe(0);
  });
});
