import type { Consumer } from '../src/consumer/consumer.js';
import type { ConsumerOptions } from '../src/consumer/consumer-options.js';
import { Runnel } from '../src/runnel.js';

/** A consumer of its own Runnel instance, so disconnect() closes its connections. */
export function consumerFor<K = Buffer | null, V = Buffer | null>(
  bootstrap: string,
  options: ConsumerOptions<K, V> = {},
): Consumer<K, V> {
  return new Runnel({ clientId: 'consumer-spec', brokers: [bootstrap] }).consumer<K, V>(options);
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Progress made by handlers: they call `notify()` after each step; `until(condition)` resolves at
 * the first notify (or at once) when the condition holds. Event-driven, no polling.
 */
export class Progress {
  private waiters: { condition: () => boolean; resolve: () => void }[] = [];

  notify(): void {
    this.waiters = this.waiters.filter(({ condition, resolve }) => {
      if (!condition()) return true;
      resolve();
      return false;
    });
  }

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }
}
