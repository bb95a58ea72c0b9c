/**
 * Kafka's ThroughputThrottler (the `--throughput` of kafka-producer-perf-test.sh): after `sent`
 * records in `elapsedMs`, how long to wait so the rate stays at or under `recordsPerSec`. A
 * negative or zero rate means no cap. Pure: the caller brings the clock.
 */
export function throttleDelayMs(recordsPerSec: number, sent: number, elapsedMs: number): number {
  if (recordsPerSec <= 0) return 0;
  const dueMs = (sent / recordsPerSec) * 1000;
  return dueMs > elapsedMs ? dueMs - elapsedMs : 0;
}
