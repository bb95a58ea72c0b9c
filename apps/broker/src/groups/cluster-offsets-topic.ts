import type { LoggerService } from '@nestjs/common';
import { OFFSETS_TOPIC } from '@runnel/coordinator';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { AdvertisedAddress } from '../network/broker-endpoint.js';
import type { LeaderPartition } from '../replication/leader-partition.js';
import type { OffsetsTopicLeadership } from './cluster-group-coordinator.js';
import { OFFSETS_TOPIC_CONFIGS } from './consumer-offsets-topic.js';

export interface ClusterOffsetsTopicConfig {
  /** `offsets.topic.num.partitions`, for the topic's creation. */
  readonly partitions: number;
  /** `offsets.topic.replication.factor`, for the topic's creation. */
  readonly replicationFactor: number;
}

/**
 * `__consumer_offsets` as a topic of the cluster: its partitions' leaders (from ClusterNode) and
 * its creation, which happens as in Kafka on the first FindCoordinator for a group that needs it
 * (KafkaApis.createInternalTopic), through the same fenced etcd transaction as any topic, with
 * `offsets.topic.num.partitions` partitions and `offsets.topic.replication.factor` replicas.
 * As Kafka since 0.11 (KIP-115), the replication factor is not lowered to the live brokers:
 * while fewer brokers are live, creation is refused and FindCoordinator answers
 * COORDINATOR_NOT_AVAILABLE, which clients retry. One creation at a time per broker; a topic
 * created meanwhile by another broker is waited for in this broker's cache.
 */
export class ClusterOffsetsTopic implements OffsetsTopicLeadership {
  private creating: Promise<string | undefined> | undefined;

  constructor(
    private readonly cluster: ClusterNode,
    private readonly config: ClusterOffsetsTopicConfig,
    private readonly logger: LoggerService,
  ) {}

  partitionCount(): number | undefined {
    return this.cluster.cache.topics.get(OFFSETS_TOPIC)?.value.partitions.length;
  }

  leader(partition: number): LeaderPartition | undefined {
    return this.cluster.replicas.leader(OFFSETS_TOPIC, partition);
  }

  onChange(listener: () => void): () => void {
    return this.cluster.onReplicasChange(listener);
  }

  async coordinatorOf(groupId: string, listenerName: string): Promise<AdvertisedAddress | string> {
    if (this.partitionCount() === undefined) {
      const refusal = await this.create();
      if (refusal !== undefined) return refusal;
    }
    return this.cluster.groupCoordinator(groupId, listenerName);
  }

  /** Creates the topic in etcd: undefined once this broker's cache has it, or why it could not. */
  private create(): Promise<string | undefined> {
    this.creating ??= this.cluster
      .createInternalTopic(
        OFFSETS_TOPIC,
        this.config.partitions,
        this.config.replicationFactor,
        OFFSETS_TOPIC_CONFIGS,
      )
      .then(
        () => {
          this.logger.log(
            `created ${OFFSETS_TOPIC} with ${this.config.partitions} partition(s) of ${this.config.replicationFactor} replica(s)`,
          );
          return undefined;
        },
        // Refused (too few live brokers, fenced) or etcd unreachable: the client asks again.
        (err: unknown) => `${OFFSETS_TOPIC} could not be created: ${(err as Error).message}`,
      )
      .finally(() => {
        this.creating = undefined;
      });
    return this.creating;
  }
}
