import { Inject, Injectable } from '@nestjs/common';
import type { ConsumerMessage } from '@runnel/client';
import { ClusterClient } from '../cluster/cluster-client.js';
import { ConsoleRequestError } from '../console-errors.js';
import { type ShownBytes, searchableText, showBytes } from './message-format.js';
import { type BrowseFrom, type PartitionRead, planReads } from './read-plan.js';

export interface BrowseQuery {
  readonly topic: string;
  /** One partition; default all. */
  readonly partition?: number | undefined;
  readonly from: BrowseFrom;
  /** With `from: 'offset'`. */
  readonly offset?: bigint | undefined;
  /** With `from: 'timestamp'`: milliseconds since the epoch. */
  readonly timestamp?: number | undefined;
  readonly limit: number;
  /** Keeps the records whose key, value or headers contain it (case-insensitive). */
  readonly filter?: string | undefined;
}

export interface ShownMessage {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: ShownBytes | null;
  readonly value: ShownBytes | null;
  readonly headers: readonly { key: string; value: ShownBytes | null }[];
}

export interface BrowseResult {
  readonly messages: ShownMessage[];
  /** Records read to find them (more than `messages` with a filter). */
  readonly scanned: number;
  /** False when the read stopped at READ_DEADLINE_MS before every partition reached its stop offset. */
  readonly complete: boolean;
}

/** Records read per partition when a filter is given, to find `limit` that match. */
export const FILTER_SCAN_PER_PARTITION = 1_000;
/** `fetch.max.wait.ms` of the browsing consumers. */
const BROWSE_MAX_WAIT_MS = 10;
/** A browse returns what it has after this long (a partition whose last offsets are transaction markers never reaches them). */
const READ_DEADLINE_MS = 3_000;

/**
 * Reads a topic's records for the messages view: with a consumer in assign mode (no group, no
 * commits) from the offsets `planReads` picked, up to the high watermarks of the moment it was
 * asked, so a busy topic cannot keep a browse going.
 */
@Injectable()
export class MessageBrowser {
  constructor(@Inject(ClusterClient) private readonly client: ClusterClient) {}

  async browse(query: BrowseQuery): Promise<BrowseResult> {
    const admin = await this.client.connectedAdmin();
    const { topics } = await admin.describeTopics({ topics: [query.topic] });
    let partitions = topics[0]!.partitions;
    if (query.partition !== undefined) {
      partitions = partitions.filter((p) => p.partition === query.partition);
      if (partitions.length === 0)
        throw new ConsoleRequestError(
          404,
          `topic '${query.topic}' has no partition ${query.partition} (it has ${topics[0]!.partitions.length})`,
        );
    }
    const ranges = partitions.map((p) => ({
      partition: p.partition,
      earliest: p.earliestOffset,
      latest: p.latestOffset,
    }));
    let starts: Map<number, bigint> | undefined;
    if (query.from === 'timestamp') {
      const byTime = await admin.fetchTopicOffsetsByTimestamp(query.topic, query.timestamp);
      starts = new Map(byTime.map((p) => [p.partition, p.offset]));
    }
    const perPartition = query.filter ? FILTER_SCAN_PER_PARTITION : query.limit;
    const reads = planReads(ranges, query.from, perPartition, {
      ...(query.offset !== undefined && { offset: query.offset }),
      ...(starts && { starts }),
    });
    const { records, complete } = await this.read(query.topic, reads);
    const needle = query.filter?.toLowerCase() ?? '';
    const shown = records.filter((m) => needle === '' || matches(m, needle));
    // Newest first when reading back from the end; in time order when reading forward.
    const newestFirst = query.from === 'latest';
    shown.sort((a, b) => {
      const order =
        a.timestamp - b.timestamp || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));
      return newestFirst ? -order : order;
    });
    return { messages: shown.slice(0, query.limit), scanned: records.length, complete };
  }

  private async read(
    topic: string,
    reads: PartitionRead[],
  ): Promise<{ records: ShownMessage[]; complete: boolean }> {
    const records: ShownMessage[] = [];
    if (reads.length === 0) return { records, complete: true };
    const stops = new Map(reads.map((r) => [r.partition, r.stop]));
    // A short long poll: a browse never waits for new records, and the consumers of one Runnel share
    // a fetch connection per broker, on which the next browse's Fetch is answered only after the
    // last one's final long poll (responses come in request order): at 100 ms, every browse after
    // the first took 106 ms instead of 13 (bench/console.bench.mjs).
    const consumer = this.client.runnel.consumer({
      maxWaitMs: BROWSE_MAX_WAIT_MS,
      isolationLevel: 'read_uncommitted',
    });
    await consumer.connect();
    try {
      let finished!: (complete: boolean) => void;
      const done = new Promise<boolean>((resolve) => {
        finished = resolve;
      });
      const timer = setTimeout(() => finished(false), READ_DEADLINE_MS);
      consumer.on('crash', () => finished(false));
      consumer.assign(reads.map((r) => ({ topic, partition: r.partition, offset: r.start })));
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const stop = stops.get(batch.partition);
          if (stop === undefined) return;
          for (const message of batch.messages) {
            if (message.offset >= stop) break;
            records.push(show(batch.partition, message));
          }
          // Done once the batch reached the stop offset, or the log ends before it (compaction, markers).
          if (batch.lastOffset() >= stop - 1n || batch.highWatermark <= batch.lastOffset() + 1n) {
            stops.delete(batch.partition);
            consumer.pause([{ topic, partitions: [batch.partition] }]);
          }
          if (stops.size === 0) finished(true);
        },
      });
      const complete = await done;
      clearTimeout(timer);
      return { records, complete };
    } finally {
      await consumer.disconnect();
    }
  }
}

/** Made inside the handler: keys, values and headers are views into fetched bytes that do not outlive it. */
function show(partition: number, message: ConsumerMessage): ShownMessage {
  const headers: { key: string; value: ShownBytes | null }[] = [];
  for (const [key, value] of Object.entries(message.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push({ key, value: showBytes(v) });
  }
  return {
    partition,
    offset: message.offset.toString(),
    timestamp: message.timestamp,
    key: showBytes(message.key),
    value: showBytes(message.value),
    headers,
  };
}

function matches(message: ShownMessage, needle: string): boolean {
  const texts = [
    searchableText(message.key),
    searchableText(message.value),
    ...message.headers.flatMap((h) => [h.key, searchableText(h.value)]),
  ];
  return texts.some((t) => t.toLowerCase().includes(needle));
}
