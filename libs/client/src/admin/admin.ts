import type { Cluster } from '../metadata/cluster.js';
import type { BrokerNode } from '../metadata/cluster-metadata.js';
import type { AdminContext } from './admin-context.js';
import { type AdminOptions, resolveAdminOptions } from './admin-options.js';
import type {
  ConfigResourceDescription,
  GroupDescription,
  GroupOverview,
  GroupTopicOffsets,
  PartitionOffset,
  PartitionOffsets,
  TopicDescription,
} from './admin-types.js';
import { type IncrementalAlterConfigsOptions, incrementalAlterConfigs } from './alter-configs-admin.js';
import { type DescribeConfigsOptions, describeConfigs } from './config-admin.js';
import { deleteGroups, describeGroups, fetchOffsets, listGroups, setOffsets } from './group-admin.js';
import { type BrokerLogDirs, describeLogDirs } from './log-dirs-admin.js';
import {
  type DeleteRecordsOptions,
  deleteRecords,
  fetchTopicOffsets,
  fetchTopicOffsetsByTimestamp,
} from './offset-admin.js';
import { type GroupOffsetReset, type ResetOffsetsOptions, resetOffsets } from './reset-offsets-admin.js';
import {
  type CreatePartitionsOptions,
  type CreateTopicsOptions,
  createPartitions,
  createTopics,
  deleteTopics,
  describeTopics,
  listTopics,
} from './topic-admin.js';

/**
 * The admin client: topics, partitions, records, configs, consumer groups and their offsets. Method
 * names and argument shapes follow kafkajs's admin; offsets are bigints. Every broker error code
 * arrives as a typed error (KafkaError, or TopicNotFoundError) whose message names the topic,
 * partition or group; retriable ones (NOT_CONTROLLER, a coordinator loading, a lost connection) are
 * retried `retries` times first.
 */
export class Admin {
  private readonly context: AdminContext;
  private connected = false;

  constructor(cluster: Cluster, options?: AdminOptions) {
    this.context = { cluster, options: resolveAdminOptions(options) };
  }

  /** Joins the client's cluster (bootstrapping it if this is its first user). */
  async connect(): Promise<void> {
    if (this.connected) return;
    await this.context.cluster.connect();
    this.connected = true;
  }

  /** Leaves the cluster; its connections close when no producer, consumer or admin uses them. */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.context.cluster.disconnect();
  }

  /** The brokers, the controller's node id (null when unknown) and the cluster id, from fresh metadata. */
  async describeCluster(): Promise<{
    brokers: BrokerNode[];
    controller: number | null;
    clusterId: string | null;
  }> {
    const metadata = await this.context.cluster.refreshMetadata([]);
    return {
      brokers: [...metadata.brokers.values()],
      controller: metadata.controllerId < 0 ? null : metadata.controllerId,
      clusterId: metadata.clusterId,
    };
  }

  createTopics(options: CreateTopicsOptions): Promise<boolean> {
    return createTopics(this.context, options);
  }

  deleteTopics(options: { topics: string[]; timeoutMs?: number }): Promise<void> {
    return deleteTopics(this.context, options);
  }

  listTopics(): Promise<string[]> {
    return listTopics(this.context);
  }

  /** kafkajs's `fetchTopicMetadata` plus each partition's earliest and latest offsets. */
  describeTopics(options?: { topics?: string[] }): Promise<{ topics: TopicDescription[] }> {
    return describeTopics(this.context, options);
  }

  createPartitions(options: CreatePartitionsOptions): Promise<boolean> {
    return createPartitions(this.context, options);
  }

  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return fetchTopicOffsets(this.context, topic);
  }

  fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<PartitionOffset[]> {
    return fetchTopicOffsetsByTimestamp(this.context, topic, timestamp);
  }

  /** kafkajs's `deleteTopicRecords`; resolves with each partition's new low watermark. */
  deleteRecords(options: DeleteRecordsOptions): Promise<PartitionOffset[]> {
    return deleteRecords(this.context, options);
  }

  describeConfigs(options: DescribeConfigsOptions): Promise<{ resources: ConfigResourceDescription[] }> {
    return describeConfigs(this.context, options);
  }

  /**
   * Changes only the configs named (IncrementalAlterConfigs); kafkajs's `alterConfigs` sends the
   * non-incremental AlterConfigs, which replaces a resource's whole config set.
   */
  incrementalAlterConfigs(
    options: IncrementalAlterConfigsOptions,
  ): Promise<{ resources: { resourceType: number; resourceName: string }[] }> {
    return incrementalAlterConfigs(this.context, options);
  }

  listGroups(): Promise<{ groups: GroupOverview[] }> {
    return listGroups(this.context);
  }

  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    return describeGroups(this.context, groupIds);
  }

  fetchOffsets(options: { groupId: string; topics?: string[] }): Promise<GroupTopicOffsets[]> {
    return fetchOffsets(this.context, options);
  }

  setOffsets(options: {
    groupId: string;
    topic: string;
    partitions: { partition: number; offset: bigint | number | string }[];
  }): Promise<void> {
    return setOffsets(this.context, options);
  }

  /**
   * To the latest offsets by default, the earliest with `earliest: true`, those of `timestamp` (ms)
   * or `offset` (moved into each partition's range); with `dryRun: true` nothing is committed.
   * Resolves with each partition's offset before and after (kafkajs resolves with nothing).
   */
  resetOffsets(options: ResetOffsetsOptions): Promise<GroupOffsetReset> {
    return resetOffsets(this.context, options);
  }

  deleteGroups(groupIds: string[]): Promise<{ groupId: string }[]> {
    return deleteGroups(this.context, groupIds);
  }

  /**
   * Java's `describeLogDirs(brokers)`: each broker's log directories (default every broker) with
   * the size of every partition in them and the volume's total and usable bytes.
   */
  describeLogDirs(options?: { brokers?: number[] }): Promise<{ brokers: BrokerLogDirs[] }> {
    return describeLogDirs(this.context, options);
  }
}
