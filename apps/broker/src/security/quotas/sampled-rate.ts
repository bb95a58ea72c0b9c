/** Kafka's quota windows: `quota.window.num` samples of `quota.window.size.seconds` each. */
export interface QuotaWindows {
  /** Samples kept (`quota.window.num`, default 11). */
  readonly samples: number;
  /** Length of one sample (`quota.window.size.seconds`, default 1), in ms. */
  readonly sampleMs: number;
}

interface Sample {
  startMs: number;
  value: number;
}

/**
 * A rate per second measured as Kafka's `Rate` over a `SampledStat` (org.apache.kafka.common.
 * metrics.stats): values are added to the current sample, a new sample starts once the current
 * one is `sampleMs` old (the oldest is reused once `samples` exist), and a sample older than
 * `samples * sampleMs` counts for nothing. The rate is the sum of the samples over the time they
 * span, counted as at least `samples - 1` whole samples, so a client's first burst is measured
 * over (nearly) the whole window rather than over its first millisecond. Time comes from the
 * caller (milliseconds, monotonic).
 */
export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly windows: QuotaWindows) {}

  record(value: number, nowMs: number): void {
    this.currentSample(nowMs).value += value;
  }

  /** Bytes (or percent-seconds) per second over the window, as of `nowMs`. */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let total = 0;
    for (const sample of this.samples) total += sample.value;
    return total / (this.windowMs(nowMs) / 1000);
  }

  /** The time the rate is measured over (Kafka's `Rate.windowSize`), in ms. */
  windowMs(nowMs: number): number {
    const { samples, sampleMs } = this.windows;
    let oldest = nowMs;
    for (const sample of this.samples) oldest = Math.min(oldest, sample.startMs);
    let elapsed = nowMs - oldest;
    const fullSamples = Math.floor(elapsed / sampleMs);
    if (fullSamples < samples - 1) elapsed += (samples - 1 - fullSamples) * sampleMs;
    return elapsed;
  }

  private currentSample(nowMs: number): Sample {
    const { samples, sampleMs } = this.windows;
    let sample = this.samples[this.current];
    if (sample === undefined) {
      sample = { startMs: nowMs, value: 0 };
      this.samples.push(sample);
    } else if (nowMs >= sample.startMs + sampleMs) {
      this.current = (this.current + 1) % samples;
      sample = this.samples[this.current];
      if (sample === undefined) {
        sample = { startMs: nowMs, value: 0 };
        this.samples.push(sample);
      } else {
        sample.startMs = nowMs;
        sample.value = 0;
      }
    }
    return sample;
  }

  private purgeObsolete(nowMs: number): void {
    const expireAfter = this.windows.samples * this.windows.sampleMs;
    for (const sample of this.samples) {
      if (nowMs - sample.startMs >= expireAfter) {
        sample.startMs = nowMs;
        sample.value = 0;
      }
    }
  }
}
