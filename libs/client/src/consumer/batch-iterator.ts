import type { ChunkHandler } from './consumer-runner.js';
import { type Batch, batchOf } from './run-handlers.js';

/**
 * The async iterator behind `consumer.batches()`: a chunk handler that hands each batch to the
 * loop body instead of calling a function. A batch counts as processed (resolved for commits)
 * when the loop asks for the next one; leaving the loop (`break`, `return`, a throw) ends the run
 * without resolving the batch it was on, so a commit never passes it.
 */
export class BatchIterator<K, V> implements AsyncIterableIterator<Batch<K, V>> {
  /** A next() call waiting for a batch. */
  private waiting: ((result: IteratorResult<Batch<K, V>>) => void) | undefined;
  /** A batch the handler offers and no next() has taken yet. */
  private offered: Batch<K, V> | undefined;
  /** Finishes the batch the loop body is on: resolves it for commits and ends the handler's turn. */
  private finishCurrent: (() => void) | undefined;
  /** Ends the handler's turn without resolving the batch (the consumer stops). */
  private releaseCurrent: (() => void) | undefined;
  private ended = false;

  /** `onReturn` stops the consumer's run when the loop is left early. */
  constructor(private readonly onReturn: () => Promise<void>) {}

  readonly handler: ChunkHandler<K, V> = (state, chunk) =>
    new Promise<void>((resolve) => {
      const epoch = state.tracker.handOut(chunk.nextOffset);
      if (this.ended) return resolve();
      if (chunk.messages!.length === 0) {
        // Only control records: nothing for the loop, but their offsets are passed.
        state.tracker.finishThrough(chunk.nextOffset - 1n, epoch);
        return resolve();
      }
      const batch = batchOf(state, chunk);
      this.finishCurrent = () => {
        state.tracker.finishThrough(chunk.nextOffset - 1n, epoch);
        resolve();
      };
      this.releaseCurrent = resolve;
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting({ done: false, value: batch });
      else this.offered = batch;
    });

  next(): Promise<IteratorResult<Batch<K, V>>> {
    const finish = this.finishCurrent;
    this.finishCurrent = undefined;
    this.releaseCurrent = undefined;
    finish?.();
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    const offered = this.offered;
    if (offered) {
      this.offered = undefined;
      return Promise.resolve({ done: false, value: offered });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<Batch<K, V>>> {
    await this.onReturn();
    return { done: true, value: undefined };
  }

  /** The consumer stopped: a waiting next() and every later one report the end. */
  end(): void {
    this.ended = true;
    this.offered = undefined;
    this.finishCurrent = undefined;
    this.releaseCurrent?.();
    this.releaseCurrent = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
