import {
  type BrokerRegistration,
  type ClusterKeys,
  type ControllerRegistration,
  decodeAssignment,
  type PartitionState,
  type TopicAssignment,
} from './cluster-keys.js';

/** One key-value change as etcd reports it (a put, or a delete with no value). */
export interface KeyChange {
  readonly key: string;
  /** null for a delete. */
  readonly value: string | null;
  readonly createRevision: number;
  readonly modRevision: number;
}

/** A live broker: its registration and its epoch (the create revision of its key). */
export interface LiveBroker extends BrokerRegistration {
  readonly nodeId: number;
  readonly epoch: number;
}

/** A value with the revision it was last written at, which a transaction compares to fence itself. */
export interface Revisioned<T> {
  readonly value: T;
  readonly modRevision: number;
  readonly createRevision: number;
}

/**
 * This broker's picture of the cluster, built from one read of every key under the cluster's
 * root and then kept current by a watch from the revision after it. It applies changes in
 * revision order (etcd delivers them so) and holds nothing else: every decision that writes to
 * etcd is made by a transaction that compares revisions, never by trusting this picture.
 *
 * Keys it does not recognise and values it cannot decode are ignored (a newer broker may add
 * some), reported to `onIgnored`.
 */
export class ClusterMetadataCache {
  private readonly brokerMap = new Map<number, LiveBroker>();
  private readonly topicMap = new Map<string, Revisioned<TopicAssignment>>();
  private readonly stateMap = new Map<string, Map<number, Revisioned<PartitionState>>>();
  private controllerValue: Revisioned<ControllerRegistration> | undefined;
  private controllerEpochValue: Revisioned<number> | undefined;
  /** The revision of the last change applied. */
  revision = 0;

  constructor(
    private readonly keys: ClusterKeys,
    private readonly onIgnored: (key: string, reason: string) => void = () => undefined,
  ) {}

  apply(change: KeyChange): void {
    this.revision = Math.max(this.revision, change.modRevision);
    const parsed = this.keys.parse(change.key);
    if (!parsed) {
      this.onIgnored(change.key, 'not a key of the cluster layout');
      return;
    }
    try {
      switch (parsed.kind) {
        case 'broker':
          if (change.value === null) this.brokerMap.delete(parsed.nodeId);
          else {
            const registration = JSON.parse(change.value) as BrokerRegistration;
            this.brokerMap.set(parsed.nodeId, {
              nodeId: parsed.nodeId,
              host: registration.host,
              port: registration.port,
              ...(Array.isArray(registration.listeners) ? { listeners: registration.listeners } : {}),
              epoch: change.createRevision,
            });
          }
          return;
        case 'controller':
          this.controllerValue = revisioned(change, (v) => JSON.parse(v) as ControllerRegistration);
          return;
        case 'controllerEpoch':
          this.controllerEpochValue = revisioned(change, Number);
          return;
        case 'topic':
          if (change.value === null) {
            this.topicMap.delete(parsed.topic);
            this.stateMap.delete(parsed.topic);
          } else this.topicMap.set(parsed.topic, revisioned(change, decodeAssignment)!);
          return;
        case 'partitionState': {
          const state = revisioned(change, (v) => JSON.parse(v) as PartitionState);
          const states = this.stateMap.get(parsed.topic);
          if (state) {
            if (states) states.set(parsed.partition, state);
            else this.stateMap.set(parsed.topic, new Map([[parsed.partition, state]]));
          } else {
            // A deleted topic's states go in the same transaction as its key, after it.
            states?.delete(parsed.partition);
            if (states?.size === 0) this.stateMap.delete(parsed.topic);
          }
          return;
        }
      }
    } catch (err) {
      this.onIgnored(
        change.key,
        `undecodable value ${JSON.stringify(change.value)}: ${(err as Error).message}`,
      );
    }
  }

  /** Live brokers, by id. */
  get brokers(): ReadonlyMap<number, LiveBroker> {
    return this.brokerMap;
  }

  get controller(): Revisioned<ControllerRegistration> | undefined {
    return this.controllerValue;
  }

  /** The controller epoch and the revision of its key (0 when no controller was ever elected). */
  get controllerEpoch(): Revisioned<number> | undefined {
    return this.controllerEpochValue;
  }

  get topics(): ReadonlyMap<string, Revisioned<TopicAssignment>> {
    return this.topicMap;
  }

  /** A partition's state, undefined while its topic's creation has not reached this broker. */
  partitionState(topic: string, partition: number): Revisioned<PartitionState> | undefined {
    return this.stateMap.get(topic)?.get(partition);
  }
}

function revisioned<T>(change: KeyChange, decode: (value: string) => T): Revisioned<T> | undefined {
  if (change.value === null) return undefined;
  return {
    value: decode(change.value),
    modRevision: change.modRevision,
    createRevision: change.createRevision,
  };
}
