import { ErrorCode } from '@runnel/protocol';
import { Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import { TopicAdminError } from '../topics/topic-admin-error.js';
import { ClusterFencedError } from './cluster-fenced-error.js';
import {
  type BrokerRegistration,
  ClusterKeys,
  type ControllerRegistration,
  decodeAssignment,
  encodeAssignment,
  type PartitionState,
  type TopicAssignment,
} from './cluster-keys.js';
import { ClusterMetadataCache, type KeyChange, type Revisioned } from './cluster-metadata-cache.js';

/**
 * What a write is fenced by: the key the writer created and that key's create revision. The
 * write's transaction requires the key to still have that create revision, so once the key is
 * gone (its lease expired or was revoked) or was created again by someone else, the write
 * changes nothing. A broker is fenced by its registration (create revision = broker epoch), the
 * controller by its election key.
 */
export interface Fence {
  readonly key: string;
  readonly createRevision: number;
}

/** A broker's place in the cluster: its lease and its epoch. */
export interface Registration {
  readonly lease: Lease;
  readonly epoch: number;
  readonly fence: Fence;
}

/** A won election: the controller's fence and its controller epoch. */
export interface ControllerTerm {
  readonly fence: Fence;
  readonly controllerEpoch: number;
}

/**
 * The cluster's metadata in etcd (layout in cluster-keys.ts): one etcd client, the
 * ClusterMetadataCache it keeps current with a watch, and the transactions that change the
 * metadata, each fenced (see Fence). Listeners given to `onChange` run after every batch of
 * changes the watch delivers, once the cache has applied the whole batch.
 */
export class ClusterMetadataStore {
  private readonly listeners: (() => void)[] = [];
  private watcher: Watcher | undefined;

  private constructor(
    private readonly client: Etcd3,
    readonly keys: ClusterKeys,
    readonly cache: ClusterMetadataCache,
  ) {}

  /**
   * Connects, reads every key of the cluster into the cache and watches from the revision after
   * that read. Rejects when etcd does not answer within `dialTimeoutMs`.
   */
  static async open(
    endpoints: readonly string[],
    clusterId: string,
    options: { dialTimeoutMs: number; onIgnored?: (key: string, reason: string) => void },
  ): Promise<ClusterMetadataStore> {
    const client = new Etcd3({ hosts: [...endpoints], dialTimeout: options.dialTimeoutMs });
    const keys = new ClusterKeys(clusterId);
    const store = new ClusterMetadataStore(client, keys, new ClusterMetadataCache(keys, options.onIgnored));
    try {
      const read = await withTimeout(
        client.getAll().prefix(keys.root).exec(),
        options.dialTimeoutMs,
        `etcd at ${endpoints.join(', ')} did not answer within ${options.dialTimeoutMs} ms`,
      );
      for (const kv of read.kvs) store.cache.apply(toChange(kv, false));
      store.cache.revision = Number(read.header.revision);
      store.watcher = await client
        .watch()
        .prefix(keys.root)
        .startRevision(String(store.cache.revision + 1))
        .create();
      store.watcher.on('data', (response) => {
        for (const event of response.events) store.cache.apply(toChange(event.kv, event.type === 'Delete'));
        if (response.events.length > 0) for (const listener of [...store.listeners]) listener();
      });
    } catch (err) {
      client.close();
      throw err;
    }
    return store;
  }

  /** Adds a listener; returns what removes it. */
  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /**
   * Registers `nodeId` under a new lease of `ttlSeconds`, kept alive until revoked or lost.
   * Fails with `undefined` when another live broker holds the id (its key exists).
   */
  async registerBroker(
    nodeId: number,
    registration: BrokerRegistration,
    ttlSeconds: number,
  ): Promise<Registration | undefined> {
    const key = this.keys.broker(nodeId);
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: true });
    await lease.grant();
    const result = await this.client
      .if(key, 'Create', '==', 0)
      .then(lease.put(key).value(JSON.stringify(registration)))
      .commit();
    if (!result.succeeded) {
      await lease.revoke().catch(() => undefined);
      return undefined;
    }
    const epoch = Number(result.header.revision);
    return { lease, epoch, fence: { key, createRevision: epoch } };
  }

  /**
   * Tries to become the controller: creates the election key under the broker's lease and
   * increments the controller epoch, in one transaction that requires no controller, the epoch
   * as the cache last saw it and the broker's own registration. Undefined when any of them
   * differs (another broker won, or this one is no longer registered).
   */
  async electController(nodeId: number, registration: Registration): Promise<ControllerTerm | undefined> {
    const epoch = this.cache.controllerEpoch;
    const controllerEpoch = (epoch?.value ?? 0) + 1;
    const value: ControllerRegistration = { brokerId: nodeId, brokerEpoch: registration.epoch };
    const result = await this.client
      .if(this.keys.controller, 'Create', '==', 0)
      .and(this.keys.controllerEpoch, 'Mod', '==', epoch?.modRevision ?? 0)
      .and(registration.fence.key, 'Create', '==', registration.fence.createRevision)
      .then(
        registration.lease.put(this.keys.controller).value(JSON.stringify(value)),
        this.client.put(this.keys.controllerEpoch).value(String(controllerEpoch)),
      )
      .commit();
    if (!result.succeeded) return undefined;
    return {
      fence: { key: this.keys.controller, createRevision: Number(result.header.revision) },
      controllerEpoch,
    };
  }

  /**
   * Writes a new topic's assignment and the initial state of its partitions in one transaction
   * that requires the topic to be absent and the writer's fence to hold; resolves with the
   * revision it was written at. TOPIC_ALREADY_EXISTS when the topic is there; ClusterFencedError
   * when the fence no longer holds.
   */
  async createTopic(
    name: string,
    assignment: TopicAssignment,
    states: readonly PartitionState[],
    fence: Fence,
  ): Promise<number> {
    const topicKey = this.keys.topic(name);
    const result = await this.client
      .if(topicKey, 'Create', '==', 0)
      .and(fence.key, 'Create', '==', fence.createRevision)
      .then(
        this.client.put(topicKey).value(encodeAssignment(assignment)),
        ...states.map((state, p) =>
          this.client.put(this.keys.partitionState(name, p)).value(JSON.stringify(state)),
        ),
      )
      .else(this.client.get(topicKey))
      .commit();
    if (result.succeeded) return Number(result.header.revision);
    const existing = result.responses[0]?.response_range?.kvs.length ?? 0;
    if (existing > 0)
      throw new TopicAdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    throw new ClusterFencedError(
      `Topic '${name}' was not created: this broker's registration ${fence.key} (epoch ${fence.createRevision}) is gone; it is rejoining the cluster.`,
    );
  }

  /**
   * Deletes a topic: its key and every partition state under it, in one transaction that
   * requires the key to be the incarnation created at `createRevision` and the writer's fence to
   * hold; so a deletion is whole or not at all, whatever happens to its writer. Resolves with
   * the revision of the deletion, or with the create revision the topic has now when it was
   * deleted and created again since (the caller decides whether to delete that one); null when
   * etcd has no such topic. ClusterFencedError when the fence no longer holds.
   */
  async deleteTopic(
    name: string,
    createRevision: number,
    fence: Fence,
  ): Promise<{ deletedAt: number } | { recreatedAt: number } | null> {
    const topicKey = this.keys.topic(name);
    const result = await this.client
      .if(topicKey, 'Create', '==', createRevision)
      .and(fence.key, 'Create', '==', fence.createRevision)
      .then(this.client.delete().key(topicKey), this.client.delete().prefix(this.keys.topicChildren(name)))
      .else(this.client.get(topicKey), this.client.get(fence.key))
      .commit();
    if (result.succeeded) return { deletedAt: Number(result.header.revision) };
    this.throwIfFenced(result.responses[1]?.response_range?.kvs[0], fence, `Topic '${name}' was not deleted`);
    const topicKv = result.responses[0]?.response_range?.kvs[0];
    return topicKv ? { recreatedAt: Number(topicKv.create_revision) } : null;
  }

  /**
   * Replaces a topic's assignment (new partitions, new configs) and writes the initial states
   * of its new partitions, in one transaction that requires the topic key to be still at
   * `expectedModRevision` and the writer's fence to hold. Resolves with the revision written at,
   * or with the topic as etcd has it now when it changed since (undefined: deleted), for the
   * caller to plan again. ClusterFencedError when the fence no longer holds.
   */
  async updateTopic(
    name: string,
    expectedModRevision: number,
    assignment: TopicAssignment,
    newStates: ReadonlyMap<number, PartitionState>,
    fence: Fence,
  ): Promise<{ writtenAt: number } | { current: Revisioned<TopicAssignment> | undefined }> {
    const topicKey = this.keys.topic(name);
    const result = await this.client
      .if(topicKey, 'Mod', '==', expectedModRevision)
      .and(fence.key, 'Create', '==', fence.createRevision)
      .then(
        this.client.put(topicKey).value(encodeAssignment(assignment)),
        ...[...newStates].map(([p, state]) =>
          this.client.put(this.keys.partitionState(name, p)).value(JSON.stringify(state)),
        ),
      )
      .else(this.client.get(topicKey), this.client.get(fence.key))
      .commit();
    if (result.succeeded) return { writtenAt: Number(result.header.revision) };
    this.throwIfFenced(result.responses[1]?.response_range?.kvs[0], fence, `Topic '${name}' was not changed`);
    const topicKv = result.responses[0]?.response_range?.kvs[0];
    if (!topicKv) return { current: undefined };
    return {
      current: {
        value: decodeAssignment(topicKv.value.toString()),
        modRevision: Number(topicKv.mod_revision),
        createRevision: Number(topicKv.create_revision),
      },
    };
  }

  private throwIfFenced(fenceKv: IKeyValue | undefined, fence: Fence, what: string): void {
    if (Number(fenceKv?.create_revision ?? 0) === fence.createRevision) return;
    throw new ClusterFencedError(
      `${what}: this broker's registration ${fence.key} (epoch ${fence.createRevision}) is gone; it is rejoining the cluster.`,
    );
  }

  /**
   * Replaces a partition's state if it is still at `expectedModRevision` and the fence holds.
   * Returns whether it was written; ClusterFencedError when the fence no longer holds.
   */
  async writePartitionState(
    topic: string,
    partition: number,
    state: PartitionState,
    expectedModRevision: number,
    fence: Fence,
  ): Promise<boolean> {
    const key = this.keys.partitionState(topic, partition);
    const result = await this.client
      .if(key, 'Mod', '==', expectedModRevision)
      .and(fence.key, 'Create', '==', fence.createRevision)
      .then(this.client.put(key).value(JSON.stringify(state)))
      .else(this.client.get(fence.key))
      .commit();
    if (result.succeeded) return true;
    const fenceKv = result.responses[0]?.response_range?.kvs[0];
    if (Number(fenceKv?.create_revision ?? 0) !== fence.createRevision) {
      throw new ClusterFencedError(
        `partition ${topic}-${partition} was not changed: ${fence.key} is no longer the one created at revision ${fence.createRevision}.`,
      );
    }
    return false;
  }

  /**
   * Resolves once the cache has applied every change up to `revision` (its watch delivered
   * them), or after `timeoutMs` whatever the watch did: a caller waits for its own write to show,
   * never for an etcd that went away.
   */
  caughtUp(revision: number, timeoutMs: number): Promise<void> {
    if (this.cache.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const stop = this.onChange(() => {
        if (this.cache.revision >= revision) done();
      });
    });
  }

  /** Whether etcd has the topic now (a read, not the cache: for a topic the watch has not delivered yet). */
  async topicExists(name: string): Promise<boolean> {
    return (await this.client.get(this.keys.topic(name)).string()) !== null;
  }

  /** Stops the watch and closes the client (a registration's lease must be revoked before). */
  async close(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
    this.client.close();
  }
}

function toChange(kv: IKeyValue, deleted: boolean): KeyChange {
  return {
    key: kv.key.toString(),
    value: deleted ? null : kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
