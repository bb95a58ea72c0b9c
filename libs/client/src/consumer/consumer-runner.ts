import type { MessageDeserializers } from './consumer-message.js';
import { decodeBatches } from './fetched-records.js';
import type { FetchedChunk, PartitionState } from './partition-state.js';

/** Works on one chunk of one partition (its `messages` decoded); resolves when the handler is done with it. */
export type ChunkHandler<K, V> = (state: PartitionState<K, V>, chunk: FetchedChunk<K, V>) => Promise<void>;

/**
 * Hands fetched chunks to a handler, at most `concurrency` partitions at a time
 * (`partitionsConsumedConcurrently`) and one chunk at a time per partition, so each partition is
 * handled strictly in offset order while different partitions proceed in parallel. Partitions
 * with data wait in a FIFO, and a partition that still has data after its turn goes to the back:
 * one busy partition cannot starve the others. Chunks are decoded here, when taken, rather than in
 * the Fetcher, so the next Fetch is in flight while this one's records are decoded and handled;
 * an uncompressed chunk is decoded and handed to its handler without yielding in between.
 *
 * A handler that rejects stops the runner: `failed` is called once with the error, no further
 * chunk is started, and the chunks already started run to their end.
 */
export class ConsumerRunner<K, V> {
  private readonly ready: PartitionState<K, V>[] = [];
  private readonly queued = new Set<PartitionState<K, V>>();
  private active = 0;
  private running = true;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly handle: ChunkHandler<K, V>,
    private readonly deserializers: MessageDeserializers<K, V>,
    /** Called when a chunk was taken from a queue, so its Fetcher can fetch more. */
    private readonly took: (state: PartitionState<K, V>) => void,
    private readonly failed: (error: unknown, state: PartitionState<K, V>) => void,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** No handler is working on any chunk now. */
  get isIdle(): boolean {
    return this.active === 0;
  }

  /** `state` may have a chunk to handle (data arrived, or it was resumed). */
  schedule(state: PartitionState<K, V>): void {
    if (!this.running || this.queued.has(state) || !state.ready()) return;
    this.queued.add(state);
    this.ready.push(state);
    this.pump();
  }

  /** Starts no further chunk; resolves when every started chunk has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.ready.length = 0;
    this.queued.clear();
    await this.idle();
  }

  /** Resolves once no handler is working on any of `states` (all partitions when omitted). */
  idle(states?: readonly PartitionState<K, V>[]): Promise<void> {
    const busy = () => (states ? states.some((s) => s.busy) : this.active > 0);
    if (!busy()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (busy()) this.idleWaiters.push(check);
        else resolve();
      };
      this.idleWaiters.push(check);
    });
  }

  private pump(): void {
    while (this.running && this.active < this.concurrency && this.ready.length > 0) {
      const state = this.ready.shift()!;
      this.queued.delete(state);
      if (state.ready()) void this.work(state);
    }
  }

  private async work(state: PartitionState<K, V>): Promise<void> {
    const chunk = state.take()!;
    state.busy = true;
    this.active++;
    this.took(state);
    try {
      // Handlers never run inside the caller of schedule() (the Fetcher's loop over a response,
      // a resume): they start from a microtask of their own.
      await undefined;
      if (chunk.messages === undefined) {
        const decoded = decodeBatches(
          chunk.batches,
          chunk.fromOffset,
          state.topic,
          state.partition,
          this.deserializers,
        );
        // Uncompressed chunks decode synchronously and go to the handler in the same turn: the
        // other partitions' chunks are not decoded until this handler first waits.
        chunk.messages = decoded instanceof Promise ? await decoded : decoded;
      }
      await this.handle(state, chunk);
    } catch (err) {
      if (this.running) {
        this.running = false;
        this.failed(err, state);
      }
    } finally {
      state.busy = false;
      this.active--;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const check of waiters) check();
      this.schedule(state);
      this.pump();
    }
  }
}
