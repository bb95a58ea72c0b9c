import type { RawRecordBatch } from '@runnel/protocol';
import type { ConsumerMessage } from './consumer-message.js';
import { OffsetTracker } from './offset-tracker.js';

/** Records fetched for one partition and not yet handed to a handler. */
export interface FetchedChunk<K, V> {
  /** The batches as fetched (CRC-checked), decoded only when a handler takes the chunk. */
  batches: RawRecordBatch[];
  /** The fetch offset: records of the first batch below it are not handed over. */
  fromOffset: bigint;
  /** The decoded records, once a handler took the chunk (or what it did not reach, when put back). */
  messages: ConsumerMessage<K, V>[] | undefined;
  /** One past the last offset the fetch covered (control records included): where the handler's work ends. */
  nextOffset: bigint;
  highWatermark: bigint;
  /** Record bytes the chunk came from: what the prefetch bound counts. */
  bytes: number;
  /** The partition's `fetchEpoch` when it was fetched; a chunk of an older epoch is dropped. */
  fetchEpoch: number;
}

/** `${topic}:${partition}`, the key of per-partition maps (and of GROUP's committed-offset map). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * One assigned partition: where fetching stands, what waits for its handler, and what the
 * handlers finished (the tracker). Invariants:
 * - `fetchOffset` is null while the position is unknown (a committed-offset lookup or an
 *   autoOffsetReset is under way); the partition is not fetched then;
 * - `fetchEpoch` changes whenever the position jumps (seek, reset) or the partition is revoked:
 *   fetch responses and queued chunks of an older epoch are dropped, so no record from before a
 *   seek reaches a handler after it;
 * - at most one handler works on a partition at a time (`busy`), so records of one partition are
 *   handled strictly in offset order.
 */
export class PartitionState<K, V> {
  readonly key: string;
  fetchOffset: bigint | null = null;
  fetchEpoch = 0;
  /** The broker that leads the partition, from the metadata cache; undefined until known. */
  leader: number | undefined;
  paused = false;
  /** A handler is working on a chunk of this partition. */
  busy = false;
  /** No longer assigned: nothing more is fetched or handed over. */
  revoked = false;
  highWatermark = -1n;
  /** Where a Fetch stops reading: the high watermark, or the last stable offset under read_committed. */
  readableEnd = -1n;
  readonly queue: FetchedChunk<K, V>[] = [];
  queuedBytes = 0;
  tracker: OffsetTracker;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = partitionKey(topic, partition);
    this.tracker = new OffsetTracker(0n);
  }

  /** The position is known: start fetching at `offset`; `committed` is what the group holds (-1n: none). */
  startAt(offset: bigint, committed = -1n): void {
    this.fetchEpoch++;
    this.dropQueue();
    this.fetchOffset = offset;
    this.tracker = new OffsetTracker(offset, committed);
  }

  /** seek(): fetching restarts at `offset`, what was fetched before is dropped, handlers' outstanding work is stale. */
  seek(offset: bigint): void {
    this.fetchEpoch++;
    this.dropQueue();
    this.fetchOffset = offset;
    this.tracker.reset(offset);
  }

  /** The position must be found again (OFFSET_OUT_OF_RANGE): nothing is fetched until `seek`/`startAt`. */
  invalidatePosition(): void {
    this.fetchEpoch++;
    this.dropQueue();
    this.fetchOffset = null;
  }

  revoke(): void {
    this.revoked = true;
    this.fetchEpoch++;
    this.dropQueue();
  }

  /** Whether the next Fetch to `leader` should ask for this partition: bounded prefetch. */
  fetchable(maxQueuedBytes: number): boolean {
    return !this.revoked && !this.paused && this.fetchOffset !== null && this.queuedBytes < maxQueuedBytes;
  }

  /** Whether a handler may take the next chunk now. */
  ready(): boolean {
    return !this.busy && !this.paused && !this.revoked && this.queue.length > 0;
  }

  /** Adds a fetched chunk; the fetch position moves to its end. */
  push(chunk: FetchedChunk<K, V>): void {
    this.queue.push(chunk);
    this.queuedBytes += chunk.bytes;
    this.fetchOffset = chunk.nextOffset;
    this.highWatermark = chunk.highWatermark;
  }

  /** Takes the next chunk for a handler. */
  take(): FetchedChunk<K, V> | undefined {
    const chunk = this.queue.shift();
    if (chunk) this.queuedBytes -= chunk.bytes;
    return chunk;
  }

  /** Puts back what a handler did not reach (the partition was paused mid-chunk), to be handed over first on resume. */
  putBack(chunk: FetchedChunk<K, V>): void {
    this.queue.unshift(chunk);
    this.queuedBytes += chunk.bytes;
  }

  private dropQueue(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}
