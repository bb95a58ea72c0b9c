/** A topic to create, as kafkajs's `ITopicConfig`. */
export interface TopicConfig {
  topic: string;
  /** Default -1: the broker's `num.partitions`. */
  numPartitions?: number;
  /** Default -1: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** Replicas per partition, instead of numPartitions and replicationFactor. */
  replicaAssignment?: { partition: number; replicas: number[] }[];
  /** Topic-level configs (`cleanup.policy`, `retention.ms`, ...). */
  configEntries?: { name: string; value: string }[];
}

export interface PartitionDescription {
  partition: number;
  /** Node id of the leader; -1 while there is none. */
  leader: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
  offlineReplicas: readonly number[];
  /** Offset of the first record still in the log (ListOffsets -2, `logStartOffset`). */
  earliestOffset: bigint;
  /** Offset the next record will get (ListOffsets -1, the high watermark). */
  latestOffset: bigint;
}

export interface TopicDescription {
  name: string;
  isInternal: boolean;
  partitions: PartitionDescription[];
}

/** A partition's offsets, as kafkajs's `fetchTopicOffsets` gives them, as bigints. */
export interface PartitionOffsets {
  partition: number;
  /** The high watermark, as `high`. */
  offset: bigint;
  high: bigint;
  low: bigint;
}

export interface PartitionOffset {
  partition: number;
  offset: bigint;
}

/** Config resource types (Kafka's `ConfigResource.Type`). */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export type ConfigResourceType = (typeof ConfigResourceType)[keyof typeof ConfigResourceType];

/** Where a config value comes from (Kafka's `ConfigEntry.ConfigSource`). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface ConfigResourceQuery {
  type: ConfigResourceType;
  /** A topic name, or a broker's node id as a string. */
  name: string;
  /** Default: every config. */
  configNames?: string[];
}

export interface ConfigEntry {
  configName: string;
  configValue: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  configSynonyms: { configName: string; configValue: string | null; configSource: number }[];
}

export interface ConfigResourceDescription {
  resourceType: number;
  resourceName: string;
  configEntries: ConfigEntry[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
  /** The member's partitions, decoded from `memberAssignment` for consumer groups; null otherwise or when unreadable. */
  assignment: { topic: string; partitions: number[] }[] | null;
}

export interface GroupDescription {
  groupId: string;
  /** `Empty`, `PreparingRebalance`, `CompletingRebalance`, `Stable` or `Dead` (a group that does not exist). */
  state: string;
  protocolType: string;
  /** The assignor chosen, e.g. `range`. */
  protocol: string;
  members: GroupMemberDescription[];
}

export interface GroupPartitionOffset {
  partition: number;
  /** The committed offset; -1n when the group committed none for the partition. */
  offset: bigint;
  metadata: string | null;
  /** The partition's high watermark. */
  logEndOffset: bigint;
  /** `logEndOffset - offset`; null when nothing is committed. */
  lag: bigint | null;
}

export interface GroupTopicOffsets {
  topic: string;
  partitions: GroupPartitionOffset[];
}
