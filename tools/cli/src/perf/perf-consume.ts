import type { Runnel } from '@runnel/client';
import type { CliIo } from '../cli-io.js';
import { describeTopicPartitions } from '../commands/topic-partitions.js';
import type { PerfOptions } from './perf-options.js';
import { type PerfSummary, summarize } from './perf-summary.js';
import { Progress } from './progress.js';

/**
 * kafka-consumer-perf-test.sh: reads every partition from its earliest offset until `numRecords`
 * records (or, if the topic holds fewer, everything it held at the start), counting key and value
 * bytes. The clock starts when the consumer starts fetching.
 */
export async function perfConsume(runnel: Runnel, options: PerfOptions, io: CliIo): Promise<PerfSummary> {
  const admin = runnel.admin();
  await admin.connect();
  const partitions = await describeTopicPartitions(admin, options.topic).finally(() => admin.disconnect());
  const available = partitions.reduce((sum, p) => sum + Number(p.latestOffset - p.earliestOffset), 0);
  const target = Math.min(options.numRecords, available);
  const progress = new Progress(io.stderr, io.stderrIsTTY, target, options.reportingIntervalMs);
  const consumer = runnel.consumer({ autoOffsetReset: 'earliest' });
  let records = 0;
  let bytes = 0;
  let start = performance.now();
  try {
    if (target === 0) return summarize('consume', options.topic, 0, 0, 0, null);
    await consumer.connect();
    const done = new Promise<void>((resolve, reject) => {
      consumer.on('crash', ({ error }) => reject(error));
      void io.interrupted.then(resolve);
      consumer.assign(
        partitions.map((p) => ({ topic: options.topic, partition: p.partition, offset: p.earliestOffset })),
      );
      start = performance.now();
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            let batchBytes = 0;
            let n = 0;
            for (const m of batch.messages) {
              if (records + n >= target) break;
              batchBytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
              n++;
            }
            records += n;
            bytes += batchBytes;
            progress.add(n, batchBytes);
            if (records >= target) resolve();
          },
        })
        .catch(reject);
    });
    await done;
    return summarize('consume', options.topic, records, bytes, performance.now() - start, null);
  } finally {
    progress.stop();
    await consumer.disconnect().catch(() => undefined);
  }
}
