import type { RecordMetadata } from './producer-record.js';

/**
 * The one promise of one `send()` call: it resolves with a RecordMetadata per record, in input
 * order, once every record is acknowledged, or rejects with the first error any of its records
 * meets. Records of one call may land in several batches (several partitions, or one that filled);
 * each batch completes its share by index, so no per-record promise or closure exists.
 *
 * After a rejection the call's other records still complete or fail on their own (they may already
 * be on their way); only the call's promise has settled.
 */
export class PendingSend {
  readonly promise: Promise<RecordMetadata[]>;
  /** Per record: its CreateTime, set when it is appended. */
  readonly timestamps: number[];
  private readonly results: RecordMetadata[];
  private remaining: number;
  private settled = false;
  private resolve!: (results: RecordMetadata[]) => void;
  private reject!: (error: Error) => void;

  constructor(readonly count: number) {
    this.results = new Array<RecordMetadata>(count);
    this.timestamps = new Array<number>(count);
    this.remaining = count;
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (count === 0) this.settle();
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Record `index` landed at `offset` of `topic`-`partition`. */
  complete(index: number, topic: string, partition: number, offset: bigint, logAppendTime: number): void {
    if (this.settled) return;
    this.results[index] = {
      topic,
      partition,
      offset,
      timestamp: logAppendTime >= 0 ? logAppendTime : this.timestamps[index]!,
    };
    if (--this.remaining === 0) this.settle();
  }

  /** The call fails with `error`, unless it has settled already. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.resolve(this.results);
  }
}
