import type { LatencySummary } from './latency-histogram.js';

export interface PerfSummary {
  mode: 'produce' | 'consume' | 'e2e';
  topic: string;
  records: number;
  bytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  /** MiB per second, as Kafka's perf tools count a MB. */
  mbPerSec: number;
  /** produce: send() to acknowledgement; e2e: send() to the consumer's receipt; consume: none. */
  latencyMs: LatencySummary | null;
}

const MB = 1024 * 1024;

export function summarize(
  mode: PerfSummary['mode'],
  topic: string,
  records: number,
  bytes: number,
  elapsedMs: number,
  latencyMs: LatencySummary | null,
): PerfSummary {
  const seconds = Math.max(elapsedMs, 1e-3) / 1000;
  return {
    mode,
    topic,
    records,
    bytes,
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    recordsPerSec: Math.round((records / seconds) * 10) / 10,
    mbPerSec: Math.round((bytes / MB / seconds) * 100) / 100,
    latencyMs,
  };
}

/** The summary as kafka-producer-perf-test.sh's last line, with p95 and the time taken. */
export function formatSummary(s: PerfSummary): string {
  const verb = s.mode === 'consume' ? 'consumed' : s.mode === 'e2e' ? 'sent and received' : 'sent';
  const rate = `${s.records} records ${verb} in ${(s.elapsedMs / 1000).toFixed(2)} s, ${s.recordsPerSec.toFixed(1)} records/sec (${s.mbPerSec.toFixed(2)} MB/sec)`;
  if (s.latencyMs === null) return `${rate}\n`;
  const l = s.latencyMs;
  return `${rate}, ${l.avg.toFixed(2)} ms avg latency, ${l.max.toFixed(2)} ms max latency, ${l.p50.toFixed(2)} ms 50th, ${l.p95.toFixed(2)} ms 95th, ${l.p99.toFixed(2)} ms 99th.\n`;
}

/** One plain progress line, as the perf tools print every reporting interval. */
export function formatProgressLine(
  records: number,
  windowRecords: number,
  windowBytes: number,
  windowMs: number,
): string {
  const seconds = Math.max(windowMs, 1) / 1000;
  return `${records} records, ${(windowRecords / seconds).toFixed(1)} records/sec (${(windowBytes / MB / seconds).toFixed(2)} MB/sec) in the last ${(windowMs / 1000).toFixed(1)} s\n`;
}

/** A progress bar for a terminal, redrawn in place with `\r`. */
export function formatProgressBar(records: number, total: number, recordsPerSec: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, records / total) : 0;
  const filled = Math.round(fraction * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${records}/${total} records, ${recordsPerSec.toFixed(0)} records/sec `;
}
