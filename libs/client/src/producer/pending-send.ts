import type { RecordMetadata } from './producer-record.js';
import { SentRange, sendResults } from './send-results.js';

/**
 * The one promise of one `send()` call: it resolves with a RecordMetadata per record, in input
 * order, once every record is acknowledged, or rejects with the first error any of its records
 * meets. Records of one call may land in several batches (several partitions, or one that filled);
 * each batch reports its share as a range (first index, count, partition, base offset). The call
 * resolves with an array whose RecordMetadata objects are made from those ranges only when the
 * caller first reads it (see send-results.ts for why), each computing its offset from its range's
 * base offset. No per-record promise or closure.
 *
 * After a rejection the call's other records still complete or fail on their own (they may already
 * be on their way); only the call's promise has settled.
 */
export class PendingSend {
  readonly promise: Promise<RecordMetadata[]>;
  // The completed ranges in completion order: the first in a field of its own (most calls land in
  // one), the rest in an array made for the second.
  private firstRange: SentRange | undefined;
  private moreRanges: SentRange[] | undefined;
  private remaining: number;
  private settled = false;
  private resolve!: (results: RecordMetadata[]) => void;
  private reject!: (error: Error) => void;

  /**
   * @param timestamps per record, its CreateTime (what its RecordMetadata reports unless the
   *   topic uses LogAppendTime), or one for all
   */
  constructor(
    readonly topic: string,
    readonly count: number,
    private readonly timestamps: readonly number[] | number,
  ) {
    this.remaining = count;
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (this.remaining === 0) this.settle();
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Records `first` .. `first + count - 1` landed at `baseOffset`.. of `partition` (-1n: not known, acks 0). */
  complete(first: number, count: number, partition: number, baseOffset: bigint, logAppendTime: number): void {
    if (this.settled) return;
    const range = new SentRange(
      this.topic,
      partition,
      first,
      count,
      baseOffset,
      logAppendTime,
      this.timestamps,
    );
    if (this.firstRange === undefined) this.firstRange = range;
    else if (this.moreRanges === undefined) this.moreRanges = [range];
    else this.moreRanges.push(range);
    this.remaining -= count;
    if (this.remaining === 0) this.settle();
  }

  /** The call fails with `error`, unless it has settled already. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.resolve(sendResults(this.count, this.firstRange, this.moreRanges));
  }
}
