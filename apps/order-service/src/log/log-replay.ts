import type { Runnel } from '@runnel/client';

/** One record read back from the log: its JSON value, where it sits. */
export interface ReplayedRecord {
  readonly value: unknown;
  readonly partition: number;
  readonly offset: bigint;
}

/** What a replay read, per topic: records handed over, and records whose value was not JSON. */
export interface ReplayReport {
  readonly topic: string;
  readonly records: number;
  readonly unreadable: number;
}

/**
 * Reads `partitions` of `topic` (default: all) from their log start offset up to the high
 * watermark they had when the replay began, in assign mode (no group, no commits), handing each
 * record's JSON value to `apply` in offset order per partition. Records written after the replay
 * began are not read here: the caller's group consumer, started afterwards, reads them (and may
 * read again some of those read here, which is why what `apply` builds must be idempotent).
 */
export async function replayTopic(
  runnel: Runnel,
  topic: string,
  apply: (record: ReplayedRecord) => void,
  partitions?: readonly number[],
): Promise<ReplayReport> {
  const admin = runnel.admin();
  await admin.connect();
  let offsets: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const pending = new Map(
    offsets
      .filter(({ partition, low, high }) => high > low && (partitions?.includes(partition) ?? true))
      .map(({ partition, low, high }) => [partition, { low, high }]),
  );
  const report = { topic, records: 0, unreadable: 0 };
  if (pending.size === 0) return report;

  const consumer = runnel.consumer({ maxWaitMs: 100 });
  await consumer.connect();
  const done = new Promise<void>((resolve, reject) => {
    consumer.once('crash', ({ error }) => reject(error));
    consumer.assign([...pending].map(([partition, { low }]) => ({ topic, partition, offset: low })));
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          const bounds = pending.get(partition);
          if (!bounds || message.offset >= bounds.high) return;
          let value: unknown;
          try {
            value = JSON.parse(message.value?.toString('utf8') ?? 'null');
          } catch {
            report.unreadable += 1;
          }
          if (value !== undefined) {
            report.records += 1;
            apply({ value, partition, offset: message.offset });
          }
          if (message.offset + 1n >= bounds.high) {
            pending.delete(partition);
            if (pending.size === 0) resolve();
          }
        },
      })
      .catch(reject);
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return report;
}
