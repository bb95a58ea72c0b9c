import type { Runnel } from '@runnel/client';
import type { CliIo } from '../cli-io.js';
import { LatencyHistogram } from './latency-histogram.js';
import { keyOf, type PerfOptions, randomPayload } from './perf-options.js';
import { type PerfSummary, summarize } from './perf-summary.js';
import { Progress } from './progress.js';
import { throttleDelayMs } from './throughput-throttle.js';

/** Records sent and not yet acknowledged, at most; past it the loop waits (the producer's own bound is bufferMemory). */
const WINDOW = 10_000;

/**
 * kafka-producer-perf-test.sh: `numRecords` records of `recordSize` bytes, one send() each as the
 * Java tool sends them, the latency of each from send() to its acknowledgement, the rate capped by
 * `throughput`. The first failed send stops the run with its error.
 */
export async function perfProduce(runnel: Runnel, options: PerfOptions, io: CliIo): Promise<PerfSummary> {
  const producer = runnel.producer(options.producer);
  await producer.connect();
  const latency = new LatencyHistogram();
  const progress = new Progress(io.stderr, io.stderrIsTTY, options.numRecords, options.reportingIntervalMs);
  const payload = randomPayload(options.recordSize);
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  let stop = false;
  void io.interrupted.then(() => {
    stop = true;
  });
  let sent = 0;
  let acknowledged = 0;
  let bytes = 0;
  const start = performance.now();
  try {
    for (; sent < options.numRecords && failure === undefined && !stop; sent++) {
      const delay = throttleDelayMs(options.throughput, sent, performance.now() - start);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (inFlight >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      const key = keyOf(sent, options.keys);
      const size = payload.length + (key?.length ?? 0);
      const sentAt = performance.now();
      inFlight++;
      producer.send({ topic: options.topic, messages: [{ key, value: payload }] }).then(
        () => {
          latency.recordMs(performance.now() - sentAt);
          acknowledged++;
          bytes += size;
          progress.add(1, size);
          settle();
        },
        (err: unknown) => {
          failure ??= err;
          settle();
        },
      );
    }
    await producer.flush();
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    progress.stop();
    await producer.disconnect().catch(() => undefined);
  }
  if (failure !== undefined) throw failure;
  return summarize(
    'produce',
    options.topic,
    acknowledged,
    bytes,
    performance.now() - start,
    latency.summary(),
  );

  function settle(): void {
    inFlight--;
    const resume = wake;
    wake = undefined;
    resume?.();
  }
}
