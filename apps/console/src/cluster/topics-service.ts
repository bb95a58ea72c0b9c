import { Inject, Injectable } from '@nestjs/common';
import {
  type Admin,
  ConfigResourceType,
  ConfigSource,
  ErrorCode,
  KafkaError,
  type TopicDescription,
} from '@runnel/client';
import { ConsoleRequestError } from '../console-errors.js';
import { ClusterClient } from './cluster-client.js';

/** A topic in the topics list and the overview. Offsets are decimal strings (JSON has no 64-bit integers). */
export interface TopicSummary {
  readonly name: string;
  readonly internal: boolean;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Sum over partitions of latest - earliest offset: the records held, for topics that are not compacted. */
  readonly messages: number;
  /** Partitions whose ISR is smaller than their replica set. */
  readonly underReplicated: number;
  /** Partitions without a leader. */
  readonly offline: number;
  /** Bytes on disk of every replica's log segments (DescribeLogDirs); null when the cluster does not say. */
  readonly size: number | null;
}

export interface PartitionView {
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
  readonly earliestOffset: string;
  readonly latestOffset: string;
  readonly messages: number;
  /** Bytes on disk of the partition's replicas; null when the cluster does not say. */
  readonly size: number | null;
}

export interface ConfigView {
  readonly name: string;
  readonly value: string | null;
  /** Kafka's ConfigSource name: TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, ... */
  readonly source: string;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

export interface TopicDetail extends TopicSummary {
  readonly partitionList: readonly PartitionView[];
  readonly configs: readonly ConfigView[];
}

export interface ClusterOverview {
  readonly clusterId: string | null;
  readonly controller: number | null;
  readonly brokers: readonly { nodeId: number; host: string; port: number; rack: string | null }[];
  readonly topics: number;
  readonly partitions: number;
  readonly messages: number;
  readonly underReplicated: number;
  readonly offline: number;
  /** Bytes on disk of every partition's replicas, internal topics included; null when the cluster does not say. */
  readonly size: number | null;
}

export interface CreateTopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

const SOURCE_NAMES = new Map<number, string>(
  Object.entries(ConfigSource).map(([name, code]) => [code, name]),
);

/** Bytes on disk per partition (`topic/partition`), summed over the replicas of every broker's log dirs. */
type PartitionSizes = ReadonlyMap<string, number> | null;

const sizeKey = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Every partition's size on disk (DescribeLogDirs, key 35), or null from a cluster that does not
 * serve it (a broker answering UNSUPPORTED_VERSION): the pages then say n/a rather than 0.
 */
async function partitionSizes(admin: Admin): Promise<PartitionSizes> {
  try {
    const { brokers } = await admin.describeLogDirs();
    const sizes = new Map<string, number>();
    for (const dir of brokers.flatMap((b) => b.logDirs))
      for (const { topic, partitions } of dir.topics)
        for (const { partition, size } of partitions) {
          const key = sizeKey(topic, partition);
          sizes.set(key, (sizes.get(key) ?? 0) + Number(size));
        }
    return sizes;
  } catch (error) {
    if (error instanceof KafkaError && error.code === ErrorCode.UNSUPPORTED_VERSION) return null;
    throw error;
  }
}

/** A partition's size, 0 when no log dir holds it yet; null when the cluster does not say. */
function sizeOf(sizes: PartitionSizes, topic: string, partition: number): number | null {
  return sizes === null ? null : (sizes.get(sizeKey(topic, partition)) ?? 0);
}

function summarize(topic: TopicDescription, sizes: PartitionSizes): TopicSummary {
  return {
    name: topic.name,
    internal: topic.isInternal,
    partitions: topic.partitions.length,
    replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
    messages: topic.partitions.reduce((sum, p) => sum + Number(p.latestOffset - p.earliestOffset), 0),
    underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    offline: topic.partitions.filter((p) => p.leader < 0).length,
    size:
      sizes === null
        ? null
        : topic.partitions.reduce((sum, p) => sum + (sizeOf(sizes, topic.name, p.partition) ?? 0), 0),
  };
}

/** Topics and the cluster, read and changed through the admin. */
@Injectable()
export class TopicsService {
  constructor(@Inject(ClusterClient) private readonly client: ClusterClient) {}

  async overview(): Promise<ClusterOverview> {
    const admin = await this.client.connectedAdmin();
    const [cluster, { topics }, sizes] = await Promise.all([
      admin.describeCluster(),
      admin.describeTopics(),
      partitionSizes(admin),
    ]);
    const summaries = topics.map((t) => summarize(t, sizes));
    const total = (pick: (t: TopicSummary) => number) => summaries.reduce((sum, t) => sum + pick(t), 0);
    return {
      clusterId: cluster.clusterId,
      controller: cluster.controller,
      brokers: cluster.brokers
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.nodeId - b.nodeId),
      topics: summaries.length,
      partitions: total((t) => t.partitions),
      messages: total((t) => t.messages),
      underReplicated: total((t) => t.underReplicated),
      offline: total((t) => t.offline),
      size: sizes === null ? null : total((t) => t.size ?? 0),
    };
  }

  /** Every topic, by name; `filter` keeps the names that contain it (case-insensitive). */
  async list(filter = ''): Promise<TopicSummary[]> {
    const admin = await this.client.connectedAdmin();
    const [{ topics }, sizes] = await Promise.all([admin.describeTopics(), partitionSizes(admin)]);
    const needle = filter.toLowerCase();
    return topics
      .filter((t) => t.name.toLowerCase().includes(needle))
      .map((t) => summarize(t, sizes))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One topic with its partitions and configs; TopicNotFoundError when it does not exist (any more). */
  async describe(name: string): Promise<TopicDetail> {
    const admin = await this.client.connectedAdmin();
    const [{ topics }, { resources }, sizes] = await Promise.all([
      admin.describeTopics({ topics: [name] }),
      admin.describeConfigs({ resources: [{ type: ConfigResourceType.TOPIC, name }] }),
      partitionSizes(admin),
    ]);
    const topic = topics[0]!;
    return {
      ...summarize(topic, sizes),
      partitionList: topic.partitions
        .map((p) => ({
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas,
          earliestOffset: p.earliestOffset.toString(),
          latestOffset: p.latestOffset.toString(),
          messages: Number(p.latestOffset - p.earliestOffset),
          size: sizeOf(sizes, topic.name, p.partition),
        }))
        .sort((a, b) => a.partition - b.partition),
      configs: (resources[0]?.configEntries ?? [])
        .map((c) => ({
          name: c.configName,
          value: c.isSensitive ? null : c.configValue,
          source: SOURCE_NAMES.get(c.configSource) ?? `UNKNOWN(${c.configSource})`,
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  async create(request: CreateTopicRequest): Promise<TopicDetail> {
    const admin = await this.client.connectedAdmin();
    const created = await admin.createTopics({
      topics: [
        {
          topic: request.name,
          numPartitions: request.partitions,
          replicationFactor: request.replicationFactor,
          configEntries: Object.entries(request.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    if (!created) throw new ConsoleRequestError(409, `topic '${request.name}' already exists`);
    return this.describe(request.name);
  }

  async delete(name: string): Promise<void> {
    const admin = await this.client.connectedAdmin();
    await admin.deleteTopics({ topics: [name] });
  }
}
