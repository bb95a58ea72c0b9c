import type { Runnel } from '@runnel/client';
import type { CliIo } from '../cli-io.js';
import { describeTopicPartitions } from '../commands/topic-partitions.js';
import { LatencyHistogram } from './latency-histogram.js';
import { keyOf, type PerfOptions, randomPayload } from './perf-options.js';
import { type PerfSummary, summarize } from './perf-summary.js';
import { Progress } from './progress.js';
import { throttleDelayMs } from './throughput-throttle.js';

/**
 * Kafka's EndToEndLatency tool: one record at a time, from send() until a consumer reading every
 * partition (assigned at their latest offsets, so nothing older is in the way) has it. Each
 * record's first 8 bytes carry its sequence number, so the one received is known to be the one
 * sent.
 */
export async function perfEndToEnd(runnel: Runnel, options: PerfOptions, io: CliIo): Promise<PerfSummary> {
  if (options.recordSize < 8)
    throw new Error(
      `perf e2e: --record-size ${options.recordSize} is below 8, the bytes of the sequence number each record carries`,
    );
  const admin = runnel.admin();
  await admin.connect();
  const partitions = await describeTopicPartitions(admin, options.topic).finally(() => admin.disconnect());
  // As Kafka's EndToEndLatency: no linger, since each record is sent alone (unless --linger-ms says otherwise).
  const producer = runnel.producer({ lingerMs: 0, ...options.producer });
  const consumer = runnel.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 100 });
  const latency = new LatencyHistogram();
  const progress = new Progress(io.stderr, io.stderrIsTTY, options.numRecords, options.reportingIntervalMs);
  const payload = randomPayload(options.recordSize);
  let waiting: { sequence: bigint; resolve: () => void } | undefined;
  let failure: ((err: unknown) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  failed.catch(() => undefined);
  let stop = false;
  void io.interrupted.then(() => {
    stop = true;
  });
  let records = 0;
  let bytes = 0;
  const start = performance.now();
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    consumer.on('crash', ({ error }) => failure?.(error));
    consumer.assign(
      partitions.map((p) => ({ topic: options.topic, partition: p.partition, offset: p.latestOffset })),
    );
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (
          waiting !== undefined &&
          message.value !== null &&
          message.value.readBigInt64BE(0) === waiting.sequence
        ) {
          waiting.resolve();
        }
      },
    });
    for (let i = 0; i < options.numRecords && !stop; i++) {
      const delay = throttleDelayMs(options.throughput, i, performance.now() - start);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const value = Buffer.from(payload);
      value.writeBigInt64BE(BigInt(i), 0);
      const key = keyOf(i, options.keys);
      const received = new Promise<void>((resolve) => {
        waiting = { sequence: BigInt(i), resolve };
      });
      const sentAt = performance.now();
      await Promise.race([
        Promise.all([producer.send({ topic: options.topic, messages: [{ key, value }] }), received]),
        failed,
      ]);
      latency.recordMs(performance.now() - sentAt);
      const size = value.length + (key?.length ?? 0);
      records++;
      bytes += size;
      progress.add(1, size);
    }
    return summarize('e2e', options.topic, records, bytes, performance.now() - start, latency.summary());
  } finally {
    progress.stop();
    await Promise.all([
      producer.disconnect().catch(() => undefined),
      consumer.disconnect().catch(() => undefined),
    ]);
  }
}
