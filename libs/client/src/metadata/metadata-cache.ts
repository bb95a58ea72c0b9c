import { ErrorCode, type Metadata, type ResponseOf } from '@runnel/protocol';
import type { BrokerNode, ClusterMetadata, PartitionMetadata, TopicMetadata } from './cluster-metadata.js';

type MetadataResponse = ResponseOf<typeof Metadata>;

interface CachedTopic {
  readonly metadata: TopicMetadata;
  /** When the response that described it arrived (the cache's clock). */
  readonly fetchedAt: number;
}

/**
 * The client's view of the cluster: brokers and, per topic, its partitions and their leaders, as
 * the latest Metadata response said. Pure: time is passed in, so freshness is decided by the caller's
 * clock (`metadataMaxAgeMs`, Kafka's `metadata.max.age.ms`).
 *
 * Invariants: the broker list is the latest response's (a Metadata response always lists every live
 * broker); a topic is replaced only by a response that mentions it, and removed when a response says
 * it does not exist. A partition takes whatever leader the latest response names: Java's client
 * refuses an older leader epoch (KIP-320), but only together with topic ids (Metadata v10+, beyond
 * this codec); without them a topic deleted and created again, its epochs starting over, would keep
 * its old leader for good. A stale answer is corrected by the next refresh instead.
 *
 * A topic is fresh when it was described without error less than `maxAgeMs` ago and every
 * partition had a leader; anything else makes `metadata()` go to a broker again.
 */
export class MetadataCache {
  private brokerNodes = new Map<number, BrokerNode>();
  private readonly topicEntries = new Map<string, CachedTopic>();
  private clusterId: string | null = null;
  private controllerId = -1;

  /** Takes in a Metadata response received at `now`. */
  update(response: MetadataResponse, now: number): void {
    this.brokerNodes = new Map(
      response.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]),
    );
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;
    for (const topic of response.topics) {
      if (topic.name === null) continue;
      if (topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        this.topicEntries.delete(topic.name);
        continue;
      }
      const partitions: PartitionMetadata[] = topic.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        }))
        .sort((a, b) => a.partition - b.partition);
      this.topicEntries.set(topic.name, {
        metadata: { name: topic.name, errorCode: topic.errorCode, isInternal: topic.isInternal, partitions },
        fetchedAt: now,
      });
    }
  }

  /** Whether every one of `topics` was described, without error and with all leaders, within `maxAgeMs`. */
  isFresh(topics: readonly string[], now: number, maxAgeMs: number): boolean {
    if (this.brokerNodes.size === 0) return false;
    for (const name of topics) {
      const entry = this.topicEntries.get(name);
      if (entry === undefined || now - entry.fetchedAt >= maxAgeMs) return false;
      const { metadata } = entry;
      if (metadata.errorCode !== ErrorCode.NONE || metadata.partitions.length === 0) return false;
      if (metadata.partitions.some((p) => p.leader < 0)) return false;
    }
    return true;
  }

  /** The cached picture: brokers, and the topics named (those the cache holds). */
  snapshot(topics?: readonly string[]): ClusterMetadata {
    const chosen = new Map<string, TopicMetadata>();
    const names = topics ?? [...this.topicEntries.keys()];
    for (const name of names) {
      const entry = this.topicEntries.get(name);
      if (entry !== undefined) chosen.set(name, entry.metadata);
    }
    return {
      clusterId: this.clusterId,
      controllerId: this.controllerId,
      brokers: this.brokerNodes,
      topics: chosen,
    };
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topicEntries.get(name)?.metadata;
  }

  /** Names of the topics the cache holds: what a refresh without a topic list asks about again. */
  topicNames(): string[] {
    return [...this.topicEntries.keys()];
  }

  broker(nodeId: number): BrokerNode | undefined {
    return this.brokerNodes.get(nodeId);
  }

  brokers(): BrokerNode[] {
    return [...this.brokerNodes.values()];
  }

  get controller(): number {
    return this.controllerId;
  }

  /** The leader's node id, or undefined when the topic or partition is unknown or leaderless. */
  leaderFor(topic: string, partition: number): number | undefined {
    const leader = this.topicEntries.get(topic)?.metadata.partitions[partition]?.leader;
    return leader === undefined || leader < 0 ? undefined : leader;
  }

  partitionCount(topic: string): number | undefined {
    const entry = this.topicEntries.get(topic);
    return entry === undefined || entry.metadata.partitions.length === 0
      ? undefined
      : entry.metadata.partitions.length;
  }

  /** Forgets a topic (deleted, or a leader error made its entry untrustworthy). */
  invalidate(topic: string): void {
    this.topicEntries.delete(topic);
  }
}
