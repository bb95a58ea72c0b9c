import { Metadata } from '@runnel/protocol';
import {
  type BrokerAddress,
  BrokerConnection,
  type ConnectionOptions,
} from '../connection/broker-connection.js';
import { reconnectBackoff } from '../connection/reconnect-backoff.js';
import { ConnectionError } from '../errors/connection-error.js';
import { isRetriable } from '../errors/is-retriable.js';
import { RunnelError } from '../errors/runnel-error.js';
import type { BrokerNode, ClusterMetadata, TopicMetadata } from './cluster-metadata.js';
import { MetadataCache } from './metadata-cache.js';

/** What a connection to a broker is for: fetches have their own, so a long poll never delays a produce. */
export type ConnectionPurpose = 'request' | 'fetch' | 'group';

/** The settings a Cluster runs with, every one resolved (Runnel's options fill in the defaults). */
export interface ClusterOptions {
  readonly clientId: string;
  /** Bootstrap brokers, tried in order until one answers (`bootstrap.servers`). */
  readonly brokers: readonly BrokerAddress[];
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Cached topic metadata older than this is fetched again before use (`metadata.max.age.ms`). */
  readonly metadataMaxAgeMs: number;
  /** Wait before reconnecting after the first failure (`reconnect.backoff.ms`). */
  readonly reconnectBackoffMs: number;
  /** Longest wait between reconnection attempts (`reconnect.backoff.max.ms`). */
  readonly reconnectBackoffMaxMs: number;
  /** Whether Metadata requests may create missing topics on brokers that allow it (`allow.auto.create.topics`). */
  readonly allowAutoTopicCreation: boolean;
  /** TLS and SASL of every connection (RunnelOptions' `ssl` and `sasl`); absent: plain TCP, no authentication. */
  readonly ssl?: ConnectionOptions['ssl'];
  readonly sasl?: ConnectionOptions['sasl'];
  /** The clock metadata ages by; tests drive it. Default Date.now. */
  readonly now?: () => number;
}

/** One connection per broker per purpose, with the state reconnect backoff needs. */
interface ConnectionSlot {
  connection: BrokerConnection | undefined;
  connecting: Promise<BrokerConnection> | undefined;
  /** Connection attempts that failed in a row (or 1 after a connection was lost). */
  failures: number;
  /** Date.now() before which no new attempt is made. */
  retryAt: number;
}

interface Refresh {
  /** The topics asked about; null for every topic. */
  readonly topics: ReadonlySet<string> | null;
  readonly allowAutoTopicCreation: boolean;
  readonly done: Promise<ClusterMetadata>;
}

/** Metadata requests tried on another connection when one is lost underneath them. */
const METADATA_ATTEMPTS = 3;

/**
 * The client's link to a Kafka cluster, one per Runnel instance and shared by its producers,
 * consumers and admin: the metadata cache and leader routing, and a pool holding one pipelined
 * connection per broker per purpose.
 *
 * Bootstrap tries the configured brokers in order and uses the first that answers; from then on the
 * brokers the cluster itself lists are used (the bootstrap connection is kept as that broker's
 * 'request' connection when its address is one of them). A lost connection is dropped from the pool
 * and the next `connection()` call reconnects, no sooner than the reconnect backoff allows.
 * Nothing here retries a failed user request: callers decide, by `isRetriable`.
 */
export class Cluster {
  private readonly cache = new MetadataCache();
  private readonly slots = new Map<string, ConnectionSlot>();
  private readonly refreshes = new Set<Refresh>();
  private readonly now: () => number;
  private readonly connectionOptions: ConnectionOptions;
  private bootstrapConnection: BrokerConnection | undefined;
  private connecting: Promise<void> | undefined;
  /** Components (producers, consumers, admins) connected and not yet disconnected. */
  private users = 0;
  private closed = false;

  constructor(private readonly options: ClusterOptions) {
    if (options.brokers.length === 0)
      throw new RunnelError('brokers: at least one bootstrap broker is needed');
    this.now = options.now ?? Date.now;
    this.connectionOptions = {
      clientId: options.clientId,
      connectTimeoutMs: options.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      ssl: options.ssl,
      sasl: options.sasl,
    };
  }

  /**
   * Joins the cluster for one component: the first call bootstraps (learns the brokers from the
   * first bootstrap broker that answers Metadata); each successful call must be matched by one
   * `disconnect()`.
   */
  async connect(): Promise<void> {
    this.closed = false;
    if (this.cache.brokers().length === 0) {
      this.connecting ??= this.refreshMetadata([]).then(
        () => {
          this.connecting = undefined;
        },
        (err) => {
          this.connecting = undefined;
          throw err;
        },
      );
      await this.connecting;
    }
    this.users++;
  }

  /** The connection to `nodeId` for `purpose`, opened (or reopened after the backoff) when needed. */
  connection(nodeId: number, purpose: ConnectionPurpose = 'request'): Promise<BrokerConnection> {
    const key = `${nodeId}/${purpose}`;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { connection: undefined, connecting: undefined, failures: 0, retryAt: 0 };
      this.slots.set(key, slot);
    }
    if (slot.connection !== undefined && !slot.connection.closed) return Promise.resolve(slot.connection);
    if (slot.connecting === undefined) {
      const opening = this.open(nodeId, slot);
      slot.connecting = opening;
      const clear = (): void => {
        if (slot.connecting === opening) slot.connecting = undefined;
      };
      opening.then(clear, clear);
    }
    return slot.connecting;
  }

  /** A 'request' connection to some broker: an open one if any, else the first broker that answers. */
  async anyConnection(): Promise<BrokerConnection> {
    this.assertOpen();
    let best: BrokerConnection | undefined;
    for (const [key, slot] of this.slots) {
      const connection = slot.connection;
      if (!key.endsWith('/request') || connection === undefined || connection.closed) continue;
      if (best === undefined || connection.pendingRequests < best.pendingRequests) best = connection;
    }
    if (best !== undefined) return best;
    if (this.bootstrapConnection !== undefined && !this.bootstrapConnection.closed)
      return this.bootstrapConnection;
    const errors: Error[] = [];
    for (const node of this.cache.brokers()) {
      try {
        return await this.connection(node.nodeId);
      } catch (err) {
        errors.push(err as Error);
      }
    }
    return this.bootstrap(errors);
  }

  /**
   * Metadata of `topics`: from the cache when all of them are fresh (described without error, every
   * partition led, less than `metadataMaxAgeMs` ago), else from a broker. Topics that do not exist are
   * absent from the answer (or present with their error code while being created).
   */
  async metadata(
    topics: readonly string[],
    options?: { allowAutoTopicCreation?: boolean },
  ): Promise<ClusterMetadata> {
    if (this.cache.isFresh(topics, this.now(), this.options.metadataMaxAgeMs))
      return this.cache.snapshot(topics);
    return this.refreshMetadata(topics, options);
  }

  /**
   * Asks a broker for the metadata of `topics` (default: every topic the cache holds; `null`: every
   * topic the cluster has), whatever the cache holds; what to do after a leader error. A refresh
   * already under way that covers the same topics is shared rather than repeated.
   */
  refreshMetadata(
    topics?: readonly string[] | null,
    options?: { allowAutoTopicCreation?: boolean },
  ): Promise<ClusterMetadata> {
    const names = topics === undefined ? this.cache.topicNames() : topics;
    const allowAutoTopicCreation = options?.allowAutoTopicCreation ?? this.options.allowAutoTopicCreation;
    for (const refresh of this.refreshes) {
      if (refresh.allowAutoTopicCreation !== allowAutoTopicCreation) continue;
      const covered = refresh.topics;
      if (covered === null || names?.every((n) => covered.has(n))) {
        return refresh.done.then((all) => (names === null ? all : this.cache.snapshot(names)));
      }
    }
    const refresh: Refresh = {
      topics: names === null ? null : new Set(names),
      allowAutoTopicCreation,
      done: this.requestMetadata(names, allowAutoTopicCreation),
    };
    this.refreshes.add(refresh);
    const forget = (): void => {
      this.refreshes.delete(refresh);
    };
    refresh.done.then(forget, forget);
    return refresh.done;
  }

  /** The leader of a partition, from the cache; undefined when unknown or leaderless. */
  leaderFor(topic: string, partition: number): number | undefined {
    return this.cache.leaderFor(topic, partition);
  }

  /** A topic's partition count, from the cache. */
  partitionCount(topic: string): number | undefined {
    return this.cache.partitionCount(topic);
  }

  /** A topic as last described, from the cache. */
  topicMetadata(topic: string): TopicMetadata | undefined {
    return this.cache.topic(topic);
  }

  /** The brokers of the latest Metadata response. */
  brokers(): BrokerNode[] {
    return this.cache.brokers();
  }

  /** The controller's node id from the latest Metadata response, -1 when unknown. */
  get controllerId(): number {
    return this.cache.controller;
  }

  /** Forgets a topic's cached metadata, so the next `metadata()` asks a broker. */
  invalidateTopic(topic: string): void {
    this.cache.invalidate(topic);
  }

  /**
   * Leaves the cluster for one component; when the last connected component leaves, every
   * connection closes and requests still pending on them fail with a retriable ConnectionError.
   */
  async disconnect(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    this.closed = true;
    const closing: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.connection !== undefined) closing.push(slot.connection.close());
      slot.connection = undefined;
    }
    if (this.bootstrapConnection !== undefined) closing.push(this.bootstrapConnection.close());
    this.bootstrapConnection = undefined;
    this.slots.clear();
    await Promise.all(closing);
  }

  private async requestMetadata(
    names: readonly string[] | null,
    allowAutoTopicCreation: boolean,
  ): Promise<ClusterMetadata> {
    let lastError: unknown;
    for (let attempt = 0; attempt < METADATA_ATTEMPTS; attempt++) {
      const connection = await this.anyConnection();
      try {
        const response = await connection.request(Metadata, {
          topics: names === null ? null : names.map((name) => ({ name })),
          allowAutoTopicCreation,
        });
        this.cache.update(response, this.now());
        this.adoptBootstrapConnection();
        const described = response.topics.flatMap((t) => (t.name === null ? [] : [t.name]));
        return this.cache.snapshot(names ?? described);
      } catch (err) {
        // A connection lost under the request: the next attempt picks another (or reconnects).
        if (!(err instanceof ConnectionError) || this.closed) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private async open(nodeId: number, slot: ConnectionSlot): Promise<BrokerConnection> {
    this.assertOpen();
    let node = this.cache.broker(nodeId);
    if (node === undefined) {
      await this.refreshMetadata([]);
      node = this.cache.broker(nodeId);
      if (node === undefined) {
        throw new ConnectionError(`node ${nodeId}`, 'the cluster metadata lists no broker with this node id');
      }
    }
    const wait = slot.retryAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.assertOpen();
    let connection: BrokerConnection;
    try {
      connection = await BrokerConnection.connect(node, this.connectionOptions);
    } catch (err) {
      this.backOff(slot);
      throw err;
    }
    if (this.closed) {
      await connection.close();
      this.assertOpen();
    }
    this.adopt(slot, connection);
    return connection;
  }

  /** Puts a connection in its slot; when it is lost, the slot empties and backoff starts. */
  private adopt(slot: ConnectionSlot, connection: BrokerConnection): void {
    slot.connection = connection;
    slot.failures = 0;
    slot.retryAt = 0;
    connection.onClose((err) => {
      if (slot.connection === connection) slot.connection = undefined;
      if (err !== undefined && isRetriable(err)) this.backOff(slot);
    });
  }

  private backOff(slot: ConnectionSlot): void {
    slot.failures++;
    slot.retryAt =
      Date.now() +
      reconnectBackoff(slot.failures, this.options.reconnectBackoffMs, this.options.reconnectBackoffMaxMs);
  }

  /** Connects to the first bootstrap broker that answers; fails naming every broker tried. */
  private async bootstrap(earlier: Error[]): Promise<BrokerConnection> {
    const errors = [...earlier];
    for (const address of this.options.brokers) {
      try {
        const connection = await BrokerConnection.connect(address, this.connectionOptions);
        if (this.closed) {
          await connection.close();
          this.assertOpen();
        }
        this.bootstrapConnection = connection;
        connection.onClose(() => {
          if (this.bootstrapConnection === connection) this.bootstrapConnection = undefined;
        });
        return connection;
      } catch (err) {
        errors.push(err as Error);
      }
    }
    const tried = this.options.brokers.map((b) => `${b.host}:${b.port}`).join(', ');
    throw new ConnectionError(tried, `no broker answered (${errors.map((e) => e.message).join('; ')})`, {
      cause: errors.at(-1),
    });
  }

  /** Keeps the bootstrap connection as its broker's 'request' connection once Metadata names that broker. */
  private adoptBootstrapConnection(): void {
    const connection = this.bootstrapConnection;
    if (connection === undefined) return;
    const node = this.cache.brokers().find((b) => `${b.host}:${b.port}` === connection.address);
    if (node === undefined) return;
    const key = `${node.nodeId}/request`;
    const slot = this.slots.get(key);
    if (slot?.connection !== undefined && !slot.connection.closed) return;
    this.bootstrapConnection = undefined;
    const fresh: ConnectionSlot = slot ?? {
      connection: undefined,
      connecting: undefined,
      failures: 0,
      retryAt: 0,
    };
    this.slots.set(key, fresh);
    this.adopt(fresh, connection);
  }

  private assertOpen(): void {
    if (this.closed) throw new RunnelError('the client is disconnected; call connect() first');
  }
}
