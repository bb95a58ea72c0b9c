import { HandlerError } from './consumer-errors.js';
import type { ConsumerBatch, ConsumerMessage } from './consumer-message.js';
import type { ChunkHandler } from './consumer-runner.js';
import type { FetchedChunk, PartitionState } from './partition-state.js';

/** What `eachMessage` receives, as in kafkajs. */
export interface EachMessagePayload<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  message: ConsumerMessage<K, V>;
  /** Tells the group this member makes progress (heartbeats themselves run on their own timer). */
  heartbeat(): Promise<void>;
  /** Pauses this partition after the current message; returns a function that resumes it. */
  pause(): () => void;
}

/** The batch `eachBatch` receives: a ConsumerBatch with kafkajs's helpers. */
export interface Batch<K = Buffer | null, V = Buffer | null> extends ConsumerBatch<K, V> {
  isEmpty(): boolean;
  /** Offset of the first message, null when empty. */
  firstOffset(): bigint | null;
  /** Offset of the last message; when empty, the one before the high watermark. */
  lastOffset(): bigint;
  /** Records after this batch up to the high watermark: highWatermark - 1 - lastOffset. */
  offsetLag(): bigint;
  /** Records from this batch's first one to the high watermark: highWatermark - 1 - firstOffset. */
  offsetLagLow(): bigint;
}

/** What `eachBatch` receives, as in kafkajs. */
export interface EachBatchPayload<K = Buffer | null, V = Buffer | null> {
  batch: Batch<K, V>;
  /** Marks every message of the batch up to `offset` as processed: what commits will carry. */
  resolveOffset(offset: bigint | number | string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  /** Commits what was resolved, if auto commit is on and `autoCommitIntervalMs` has passed since the last commit. */
  commitOffsetsIfNecessary(): Promise<void>;
  /** What has been resolved and not yet committed, by partition. */
  uncommittedOffsets(): { topic: string; partition: number; offset: bigint }[];
  /** False once the consumer is stopping: a long handler should return. */
  isRunning(): boolean;
  /** True once the partition was revoked or seeked: the rest of this batch must not be processed. */
  isStale(): boolean;
}

/** How the consumer serves the handlers' calls. */
export interface RunContext {
  /** A handler finished something: the member is not stalled (maxPollIntervalMs). */
  notePoll(): void;
  pause(topic: string, partition: number): () => void;
  commitOffsetsIfNecessary(): Promise<void>;
  uncommittedOffsets(): { topic: string; partition: number; offset: bigint }[];
  isRunning(): boolean;
}

/** What a handled message's slot in its chunk holds once eachMessage is done with it. */
const RELEASED = undefined as unknown as ConsumerMessage<never, never>;

/**
 * eachMessage: the messages of a chunk one after another; each finished message is resolved, so
 * a commit never passes a message whose handler has not returned. Stops early when the partition
 * is seeked or revoked (the rest is stale) or paused (the rest goes back to the front of the queue).
 */
export function eachMessageHandler<K, V>(
  eachMessage: (payload: EachMessagePayload<K, V>) => Promise<void> | void,
  context: RunContext,
): ChunkHandler<K, V> {
  return async (state, chunk) => {
    const { topic, partition } = state;
    const epoch = state.tracker.handOut(chunk.nextOffset);
    const heartbeat = async () => context.notePoll();
    const pause = () => context.pause(topic, partition);
    const messages = chunk.messages!;
    for (let i = 0; i < messages.length; i++) {
      if (isStale(state, chunk) || !context.isRunning()) return;
      if (state.paused) {
        state.putBack({ ...chunk, messages: messages.slice(i) });
        return;
      }
      const message = messages[i]!;
      try {
        await eachMessage({ topic, partition, message, heartbeat, pause });
      } catch (err) {
        throw new HandlerError(topic, partition, message.offset, err);
      }
      state.tracker.finishThrough(message.offset, epoch);
      context.notePoll();
      // Nothing reads a handled message from the chunk again: letting it go now means the next
      // scavenge need not copy it while the rest of the chunk (and the other partitions') waits.
      messages[i] = RELEASED;
    }
    if (!isStale(state, chunk)) state.tracker.finishThrough(chunk.nextOffset - 1n, epoch);
  };
}

/**
 * eachBatch: one call per chunk that holds records. With `autoResolve` (kafkajs's eachBatchAutoResolve, default
 * true) the whole batch is resolved when the handler returns; otherwise only what it resolved.
 */
export function eachBatchHandler<K, V>(
  eachBatch: (payload: EachBatchPayload<K, V>) => Promise<void> | void,
  autoResolve: boolean,
  context: RunContext,
): ChunkHandler<K, V> {
  return async (state, chunk) => {
    const epoch = state.tracker.handOut(chunk.nextOffset);
    if (chunk.messages!.length === 0) {
      // Only control records (transaction markers): nothing to hand over, but their offsets are passed.
      state.tracker.finishThrough(chunk.nextOffset - 1n, epoch);
      return;
    }
    const batch = batchOf(state, chunk);
    try {
      await eachBatch({
        batch,
        resolveOffset: (offset) => {
          state.tracker.finishThrough(BigInt(offset), epoch);
        },
        heartbeat: async () => context.notePoll(),
        pause: () => context.pause(state.topic, state.partition),
        commitOffsetsIfNecessary: () => context.commitOffsetsIfNecessary(),
        uncommittedOffsets: () => context.uncommittedOffsets(),
        isRunning: () => context.isRunning(),
        isStale: () => isStale(state, chunk),
      });
    } catch (err) {
      throw new HandlerError(state.topic, state.partition, batch.firstOffset() ?? chunk.nextOffset, err);
    }
    if (autoResolve) state.tracker.finishThrough(chunk.nextOffset - 1n, epoch);
    context.notePoll();
  };
}

/** The rest of a chunk is stale once its partition was seeked, reset or revoked after it was fetched. */
export function isStale<K, V>(state: PartitionState<K, V>, chunk: FetchedChunk<K, V>): boolean {
  return state.revoked || state.fetchEpoch !== chunk.fetchEpoch;
}

export function batchOf<K, V>(state: PartitionState<K, V>, chunk: FetchedChunk<K, V>): Batch<K, V> {
  const { highWatermark } = chunk;
  const messages = chunk.messages!;
  return {
    topic: state.topic,
    partition: state.partition,
    highWatermark,
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: () => messages.at(-1)?.offset ?? highWatermark - 1n,
    offsetLag: () => highWatermark - 1n - (messages.at(-1)?.offset ?? highWatermark - 1n),
    offsetLagLow: () => highWatermark - 1n - (messages[0]?.offset ?? highWatermark - 1n),
  };
}
