import hdr from 'hdr-histogram-js';

/** Latency in milliseconds at the points Kafka's perf tools report. */
export interface LatencySummary {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Latencies recorded in microseconds in an HDR histogram (3 significant digits, up to an hour),
 * so percentiles over millions of records cost constant memory and stay within 0.1%. The pure-JS
 * implementation is used: the WebAssembly one needs an asynchronous start for no gain at this rate.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  /** Records one latency given in milliseconds (fractions kept to the microsecond). */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number): number => Math.round(us) / 1000;
    // A percentile is the top of its bucket (within 0.1%), which can lie above the largest value
    // recorded in that bucket; no percentile is larger than the maximum, so it is capped there.
    const at = (percentile: number): number => ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue));
    return {
      avg: this.count === 0 ? 0 : ms(h.mean),
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: ms(h.maxValue),
    };
  }
}
