import { type InspectOptions, inspect } from 'node:util';
import type { RecordMetadata } from './producer-record.js';

/**
 * The one promise of one `send()` call: it resolves with a RecordMetadata per record, in input
 * order, once every record is acknowledged, or rejects with the first error any of its records
 * meets. Records of one call may land in several batches (several partitions, or one that filled);
 * each batch reports its share as a range (first index, count, partition, base offset), and the
 * RecordMetadata objects are made only when the last range arrives, so none of them lives through
 * the round trips (and the garbage collections) of the others. No per-record promise or closure.
 *
 * After a rejection the call's other records still complete or fail on their own (they may already
 * be on their way); only the call's promise has settled.
 */
export class PendingSend {
  readonly promise: Promise<RecordMetadata[]>;
  private readonly firsts: number[] = [];
  private readonly counts: number[] = [];
  private readonly partitions: number[] = [];
  private readonly baseOffsets: bigint[] = [];
  private readonly logAppendTimes: number[] = [];
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
    this.firsts.push(first);
    this.counts.push(count);
    this.partitions.push(partition);
    this.baseOffsets.push(baseOffset);
    this.logAppendTimes.push(logAppendTime);
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
    const { topic, timestamps } = this;
    const results = new Array<RecordMetadata>(this.count);
    for (let s = 0; s < this.firsts.length; s++) {
      const first = this.firsts[s]!;
      const range = new SentRange(
        topic,
        this.partitions[s]!,
        first,
        this.baseOffsets[s]!,
        this.logAppendTimes[s]!,
        timestamps,
      );
      for (let i = first, end = first + this.counts[s]!; i < end; i++) {
        results[i] = new SentRecordMetadata(range, i);
      }
    }
    this.resolve(results);
  }
}

/** What the records of one completed range share: their partition, where the range starts, how it was timestamped. */
class SentRange {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Index in its send() call of the range's first record. */
    readonly first: number,
    /** The first record's offset; -1n when not known (acks 0). */
    readonly baseOffset: bigint,
    /** The broker's LogAppendTime, or -1 when the topic keeps CreateTime. */
    readonly logAppendTime: number,
    readonly timestamps: readonly number[] | number,
  ) {}
}

/**
 * One record's RecordMetadata: its range and its index in the send(), two fields (40 bytes with the
 * object's header); every field is read from the range the record was acknowledged in, so a
 * send() of a thousand records makes a thousand small objects and no bigint until an offset is
 * read. These results are the largest share of what a producer allocates per record, and most of
 * them outlive a young-generation collection, so every field left out counts (two more, the topic
 * and partition, were 16 bytes a record). `toJSON` and `util.inspect` show all four fields, as the
 * plain object they stand for.
 */
class SentRecordMetadata implements RecordMetadata {
  readonly #range: SentRange;
  readonly #index: number;

  constructor(range: SentRange, index: number) {
    this.#range = range;
    this.#index = index;
  }

  get topic(): string {
    return this.#range.topic;
  }

  get partition(): number {
    return this.#range.partition;
  }

  get offset(): bigint {
    const { baseOffset, first } = this.#range;
    return baseOffset < 0n ? baseOffset : baseOffset + BigInt(this.#index - first);
  }

  get timestamp(): number {
    const { logAppendTime, timestamps } = this.#range;
    if (logAppendTime >= 0) return logAppendTime;
    return typeof timestamps === 'number' ? timestamps : timestamps[this.#index]!;
  }

  toJSON(): RecordMetadata {
    return { topic: this.topic, partition: this.partition, offset: this.offset, timestamp: this.timestamp };
  }

  [inspect.custom](_depth: number, options: InspectOptions, show: typeof inspect): string {
    return show(this.toJSON(), options);
  }
}
