import { LatencyHistogram } from './latency-histogram.js';
import { keyOf } from './perf-options.js';
import { formatProgressBar, formatSummary, summarize } from './perf-summary.js';
import { throttleDelayMs } from './throughput-throttle.js';

describe('throttleDelayMs', () => {
  test('waits until the sent records are due at the rate, never without a cap', () => {
    expect(throttleDelayMs(1000, 500, 250)).toBe(250);
    expect(throttleDelayMs(1000, 500, 600)).toBe(0);
    expect(throttleDelayMs(-1, 1_000_000, 0)).toBe(0);
  });
});

describe('LatencyHistogram', () => {
  test('percentiles of 1..1000 ms within the histogram precision', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.recordMs(ms);
    const s = h.summary();
    expect(h.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(s.p95).toBeCloseTo(950, -0.5);
    expect(s.p99).toBeCloseTo(990, -0.5);
    expect(s.max).toBeCloseTo(1000, -0.5);
    expect(s.avg).toBeCloseTo(500.5, 0);
  });

  test('no percentile passes the maximum, though a percentile is the top of its bucket', () => {
    // 291.07 ms is recorded in a bucket of 256 us whose top is 291.071 ms: the percentiles are capped.
    const h = new LatencyHistogram();
    h.recordMs(291.07);
    expect(h.summary()).toMatchObject({ p50: 291.07, p95: 291.07, p99: 291.07, max: 291.07 });
  });

  test('sub-millisecond latencies keep their microseconds', () => {
    const h = new LatencyHistogram();
    h.recordMs(0.25);
    expect(h.summary().max).toBeCloseTo(0.25, 3);
  });
});

describe('summaries', () => {
  test('records/s and MiB/s from the time taken', () => {
    const s = summarize('produce', 't', 1000, 1024 * 1024, 500, { avg: 1, p50: 1, p95: 2, p99: 3, max: 4 });
    expect(s).toMatchObject({ recordsPerSec: 2000, mbPerSec: 2 });
    expect(formatSummary(s)).toBe(
      '1000 records sent in 0.50 s, 2000.0 records/sec (2.00 MB/sec), 1.00 ms avg latency, 4.00 ms max latency, 1.00 ms 50th, 2.00 ms 95th, 3.00 ms 99th.\n',
    );
  });

  test('the bar fills with the fraction done', () => {
    expect(formatProgressBar(50, 100, 10, 10)).toBe('\r[#####.....]  50% 50/100 records, 10 records/sec ');
  });

  test('keys cycle over N', () => {
    expect([0, 1, 2, 3].map((i) => keyOf(i, 3))).toEqual(['key-0', 'key-1', 'key-2', 'key-0']);
    expect(keyOf(5, 0)).toBeNull();
  });
});
