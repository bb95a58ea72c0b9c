/**
 * A first-in first-out queue on a ring buffer: O(1) push and shift at any length, no array
 * re-indexing, no allocation until it must grow. Requests on one Kafka connection are answered in
 * the order they were sent, so the in-flight requests form exactly such a queue.
 */
export class RequestQueue<T> {
  private items: (T | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  /** Calls `visit` on every item, oldest first, without removing them. */
  forEach(visit: (item: T) => void): void {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) visit(this.items[(this.head + i) & mask] as T);
  }

  /** Removes every item and returns them, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  /** Doubles the capacity (always a power of two, so indices wrap with a mask). */
  private grow(): void {
    const bigger: (T | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) bigger[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = bigger;
    this.head = 0;
  }
}
