import { Consumer } from '../src/consumer/consumer.js';
import type { ConsumerOptions } from '../src/consumer/consumer-options.js';
import { Cluster } from '../src/metadata/cluster.js';
import { parseBootstrap } from './support/test-broker.js';

/** A consumer on its own Cluster, as `new Runnel({ brokers: [bootstrap] }).consumer(options)` builds it. */
export function consumerFor<K = Buffer | null, V = Buffer | null>(
  bootstrap: string,
  options: ConsumerOptions<K, V> = {},
): Consumer<K, V> {
  const connection = { clientId: 'consumer-spec', connectTimeoutMs: 5000, requestTimeoutMs: 10_000 };
  const cluster = new Cluster({
    ...connection,
    brokers: [parseBootstrap(bootstrap)],
    metadataMaxAgeMs: 300_000,
    reconnectBackoffMs: 50,
    reconnectBackoffMaxMs: 1000,
    allowAutoTopicCreation: false,
  });
  return new Consumer<K, V>(cluster, options, connection);
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
