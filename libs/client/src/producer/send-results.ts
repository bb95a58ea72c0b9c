import { type InspectOptions, inspect } from 'node:util';
import type { RecordMetadata } from './producer-record.js';

/**
 * Calls of at most this many records get their results made at once, as a plain array: for them
 * the proxy costs more than it saves (making one takes about as long as making 16 results, and a
 * few small objects are all an old promise keeps).
 */
export const EAGER_RESULTS_MAX = 16;

/**
 * The array `send()` resolves with. Above EAGER_RESULTS_MAX records it is a proxy over a real
 * array (`Array.isArray`, `length`, indexing, iteration, `map`, JSON, `util.inspect` all behave as
 * for a plain array of RecordMetadata) whose elements are made the first time anything reads it,
 * so a caller that only awaits the call never makes them.
 *
 * Why not build the array at once: the promise a send() returns lives through its round trip, so
 * under load it has usually been promoted to the old generation by the time it resolves. The
 * value it resolves with is then referenced from an old object, which the young-generation
 * collector treats as a root until the next full collection: a results array made eagerly (a
 * thousand 40-byte objects for a thousand records) survived the scavenge and was copied into the
 * old generation nearly every time (45 of the 55 MB that outlived scavenges while producing
 * 1,000,000 records), although the caller had dropped it at once. What the old promise holds now
 * is this proxy, its empty target and the handler, a few dozen bytes per call.
 *
 * The one property read without filling the array is `then`, which every promise resolution asks
 * for. Each trap fills the target before forwarding, so the target always satisfies the proxy
 * invariants; reads after that go through the `get` trap, about as fast as a property access
 * through `Reflect.get`.
 */
export function sendResults(
  count: number,
  first: SentRange | undefined,
  more: readonly SentRange[] | undefined,
): RecordMetadata[] {
  if (count <= EAGER_RESULTS_MAX) {
    const results: RecordMetadata[] = [];
    fillResults(results, count, first, more);
    return results;
  }
  return new Proxy(new SendResultsArray(), new SendResultsHandler(count, first, more));
}

/** Puts each record's RecordMetadata at its index in `target`. */
function fillResults(
  target: RecordMetadata[],
  count: number,
  first: SentRange | undefined,
  more: readonly SentRange[] | undefined,
): void {
  target.length = count;
  if (first !== undefined) fillRange(target, first);
  if (more !== undefined) for (const range of more) fillRange(target, range);
}

function fillRange(target: RecordMetadata[], range: SentRange): void {
  for (let i = range.first, end = range.first + range.count; i < end; i++) {
    target[i] = new SentRecordMetadata(range, i);
  }
}

/**
 * The proxy's target. Its species is Array, so `map`, `filter` and `slice` of the results give
 * plain arrays; `util.inspect` reads the target without traps, so the target carries the custom
 * inspection that fills it first.
 */
class SendResultsArray extends Array<RecordMetadata> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  [inspect.custom](_depth: number, options: InspectOptions, show: typeof inspect): string {
    // `this` is the proxy (inspect calls a custom function on the value it was given), so the
    // spread goes through the traps and fills the target.
    return show([...this], options);
  }
}

class SendResultsHandler implements ProxyHandler<SendResultsArray> {
  private filled = false;

  constructor(
    private readonly count: number,
    private first: SentRange | undefined,
    private more: readonly SentRange[] | undefined,
  ) {}

  private fill(target: SendResultsArray): void {
    if (this.filled) return;
    this.filled = true;
    fillResults(target, this.count, this.first, this.more);
    // The ranges live on in the results that read them; the handler needs them no longer.
    this.first = undefined;
    this.more = undefined;
  }

  get(target: SendResultsArray, key: string | symbol, receiver: unknown): unknown {
    if (key !== 'then') this.fill(target);
    return Reflect.get(target, key, receiver);
  }

  set(target: SendResultsArray, key: string | symbol, value: unknown, receiver: unknown): boolean {
    this.fill(target);
    return Reflect.set(target, key, value, receiver);
  }

  has(target: SendResultsArray, key: string | symbol): boolean {
    this.fill(target);
    return Reflect.has(target, key);
  }

  ownKeys(target: SendResultsArray): (string | symbol)[] {
    this.fill(target);
    return Reflect.ownKeys(target);
  }

  getOwnPropertyDescriptor(target: SendResultsArray, key: string | symbol): PropertyDescriptor | undefined {
    this.fill(target);
    return Reflect.getOwnPropertyDescriptor(target, key);
  }

  defineProperty(target: SendResultsArray, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    this.fill(target);
    return Reflect.defineProperty(target, key, descriptor);
  }

  deleteProperty(target: SendResultsArray, key: string | symbol): boolean {
    this.fill(target);
    return Reflect.deleteProperty(target, key);
  }

  preventExtensions(target: SendResultsArray): boolean {
    // Object.freeze and Object.seal come through here first: the elements must exist before
    // the array stops taking new ones.
    this.fill(target);
    return Reflect.preventExtensions(target);
  }
}

/**
 * Records `first` .. `first + count - 1` of one send(), acknowledged together: their partition,
 * where the range starts in the log, how it was timestamped. Every RecordMetadata of the range
 * reads its fields from here.
 */
export class SentRange {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Index in its send() call of the range's first record. */
    readonly first: number,
    readonly count: number,
    /** The first record's offset; -1n when not known (acks 0). */
    readonly baseOffset: bigint,
    /** The broker's LogAppendTime, or -1 when the topic keeps CreateTime. */
    readonly logAppendTime: number,
    readonly timestamps: readonly number[] | number,
  ) {}
}

/**
 * One record's RecordMetadata: its range and its index in the send(), two fields (40 bytes with the
 * object's header); every field is read from the range the record was acknowledged in, so no
 * bigint is made until an offset is read. `toJSON` and `util.inspect` show all four fields, as the
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
