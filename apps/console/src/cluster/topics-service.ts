import { Inject, Injectable } from '@nestjs/common';
import { ConfigResourceType, ConfigSource, type TopicDescription } from '@runnel/client';
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
  /**
   * Bytes on disk need DescribeLogDirs (API 35), which the client's admin does not offer: the
   * overview says so instead of showing a number it does not have.
   */
  readonly size: null;
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

function summarize(topic: TopicDescription): TopicSummary {
  return {
    name: topic.name,
    internal: topic.isInternal,
    partitions: topic.partitions.length,
    replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
    messages: topic.partitions.reduce((sum, p) => sum + Number(p.latestOffset - p.earliestOffset), 0),
    underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    offline: topic.partitions.filter((p) => p.leader < 0).length,
  };
}

/** Topics and the cluster, read and changed through the admin. */
@Injectable()
export class TopicsService {
  constructor(@Inject(ClusterClient) private readonly client: ClusterClient) {}

  async overview(): Promise<ClusterOverview> {
    const admin = await this.client.connectedAdmin();
    const [cluster, { topics }] = await Promise.all([admin.describeCluster(), admin.describeTopics()]);
    const summaries = topics.map(summarize);
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
      size: null,
    };
  }

  /** Every topic, by name; `filter` keeps the names that contain it (case-insensitive). */
  async list(filter = ''): Promise<TopicSummary[]> {
    const admin = await this.client.connectedAdmin();
    const { topics } = await admin.describeTopics();
    const needle = filter.toLowerCase();
    return topics
      .filter((t) => t.name.toLowerCase().includes(needle))
      .map(summarize)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One topic with its partitions and configs; TopicNotFoundError when it does not exist (any more). */
  async describe(name: string): Promise<TopicDetail> {
    const admin = await this.client.connectedAdmin();
    const [{ topics }, { resources }] = await Promise.all([
      admin.describeTopics({ topics: [name] }),
      admin.describeConfigs({ resources: [{ type: ConfigResourceType.TOPIC, name }] }),
    ]);
    const topic = topics[0]!;
    return {
      ...summarize(topic),
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
