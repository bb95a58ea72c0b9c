/** A broker as Metadata describes it. */
export interface BrokerNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/** One partition as Metadata describes it; `leader` is -1 while no leader is available. */
export interface PartitionMetadata {
  readonly partition: number;
  /** NONE (0), or e.g. LEADER_NOT_AVAILABLE while the partition has no leader. */
  readonly errorCode: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  /** NONE (0), or e.g. UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE (being created). */
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Indexed by partition number: `partitions[p].partition === p`. */
  readonly partitions: readonly PartitionMetadata[];
}

/** What the client knows of the cluster after a Metadata response. */
export interface ClusterMetadata {
  readonly clusterId: string | null;
  /** The controller's node id, -1 when the broker did not say. */
  readonly controllerId: number;
  readonly brokers: ReadonlyMap<number, BrokerNode>;
  /** The topics asked for (and any others still fresh in the cache), by name. */
  readonly topics: ReadonlyMap<string, TopicMetadata>;
}
