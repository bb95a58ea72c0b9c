import type { Runnel } from '@runnel/client';

/** One record read back from the log: its JSON value, where it sits. */
export interface ReplayedRecord {
  readonly value: unknown;
  readonly partition: number;
  readonly offset: bigint;
}

/** What a replay read: records handed over, records whose value was not JSON, and per partition the next offset to read. */
export interface ReplayReport {
  readonly topic: string;
  readonly records: number;
  readonly unreadable: number;
  readonly positions: ReadonlyMap<number, bigint>;
}

export interface ReplayOptions {
  /** The partitions to read (default: all). */
  readonly partitions?: readonly number[];
  /** Where to start per partition (default, and for partitions not listed: the log start offset). */
  readonly from?: ReadonlyMap<number, bigint>;
}

/**
 * Rebuilds a service's state from its log on start, as an event-sourced service does: reads
 * partitions of `topic` up to the high watermarks they had when the replay began, in
 * assign mode (no group, no commits), handing each record's JSON value to `apply` in offset order
 * per partition. Records written after the replay began are left to the caller's group consumer,
 * which may read again some of those read here: what `apply` builds must be idempotent.
 */
export async function replayTopic(
  runnel: Runnel,
  topic: string,
  apply: (record: ReplayedRecord) => void,
  { partitions, from }: ReplayOptions = {},
): Promise<ReplayReport> {
  const admin = runnel.admin();
  await admin.connect();
  let offsets: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const positions = new Map<number, bigint>();
  const pending = new Map<number, { start: bigint; high: bigint }>();
  for (const { partition, low, high } of offsets) {
    if (partitions && !partitions.includes(partition)) continue;
    const start = later(from?.get(partition) ?? low, low);
    positions.set(partition, later(start, high));
    if (high > start) pending.set(partition, { start, high });
  }
  const report = { topic, records: 0, unreadable: 0, positions };
  if (pending.size === 0) return report;

  const consumer = runnel.consumer({ maxWaitMs: 100 });
  await consumer.connect();
  const done = new Promise<void>((resolve, reject) => {
    consumer.once('crash', ({ error }) => reject(error));
    consumer.assign([...pending].map(([partition, { start }]) => ({ topic, partition, offset: start })));
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

function later(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
