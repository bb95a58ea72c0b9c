import { Admin } from './admin/admin.js';
import type { AdminOptions } from './admin/admin-options.js';
import { Consumer } from './consumer/consumer.js';
import type { ConsumerOptions } from './consumer/consumer-options.js';
import { Cluster, type ClusterOptions } from './metadata/cluster.js';
import { Producer } from './producer/producer.js';
import type { ProducerOptions } from './producer/producer-options.js';
import type { RecordValue } from './producer/producer-record.js';
import { type RunnelOptions, resolveRunnelOptions } from './runnel-options.js';

/**
 * The entry point: `new Runnel({ clientId, brokers })` holds the settings and the one Cluster
 * (metadata cache and broker connections) that every producer, consumer and admin made from it
 * shares. Creating it opens nothing; each component's `connect()` does.
 */
export class Runnel {
  /** The resolved settings, defaults filled in. */
  readonly options: ClusterOptions;
  /** Shared by the components made here: the first `connect()` bootstraps, the last `disconnect()` closes. */
  readonly cluster: Cluster;

  constructor(options: RunnelOptions) {
    this.options = resolveRunnelOptions(options);
    this.cluster = new Cluster(this.options);
  }

  /** A producer (options and defaults: docs/producer.md); `connect()` it before `send()`. */
  producer<K = RecordValue, V = RecordValue>(options: ProducerOptions<K, V> = {}): Producer<K, V> {
    return new Producer<K, V>(this.cluster, options);
  }

  /**
   * A consumer (options and defaults: docs/consumer.md): with `groupId`, `subscribe()` joins the
   * group; without, `assign()` picks partitions. `connect()` it, then `run()`.
   */
  consumer<K = Buffer | null, V = Buffer | null>(options: ConsumerOptions<K, V> = {}): Consumer<K, V> {
    return new Consumer<K, V>(this.cluster, options, this.options);
  }

  /** An admin client: topics, partitions, records, configs, groups and their offsets. */
  admin(options?: AdminOptions): Admin {
    return new Admin(this.cluster, options);
  }
}
