import { Logger } from '@nestjs/common';
import { type CoordinatorOptions, GroupCoordinator } from '@runnel/coordinator';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { ClusterGroupCoordinator } from './cluster-group-coordinator.js';
import { ClusterOffsetsTopic } from './cluster-offsets-topic.js';
import { readGroupRecords } from './consumer-offsets-replay.js';
import { ConsumerOffsetsStore } from './consumer-offsets-store.js';
import { ConsumerOffsetsTopic } from './consumer-offsets-topic.js';
import type { GroupCoordination } from './group-coordination.js';

/**
 * The broker's group coordination, ready to serve.
 *
 * On a single broker: one GroupCoordinator of every group, every partition of this broker's
 * `__consumer_offsets` (when it exists) replayed into it before it is returned, so the Kafka
 * listener never accepts a request before committed offsets are back. Throws (the broker does not
 * start) when a partition of `__consumer_offsets` cannot be opened or read.
 *
 * In a cluster (`cluster`): a ClusterGroupCoordinator, which loads the groups of each partition
 * of the cluster's `__consumer_offsets` this broker leads, as it comes to lead it.
 */
export async function startGroupCoordinator(
  config: BrokerConfig,
  topics: TopicManager,
  cluster?: ClusterNode | null,
): Promise<GroupCoordination> {
  const options: CoordinatorOptions = {
    groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
  };
  if (cluster) {
    const logger = new Logger('GroupCoordinator');
    const offsetsTopic = new ClusterOffsetsTopic(
      cluster,
      {
        partitions: config.offsetsTopicNumPartitions,
        replicationFactor: config.offsetsTopicReplicationFactor,
      },
      logger,
    );
    return new ClusterGroupCoordinator(
      offsetsTopic,
      {
        coordinator: options,
        store: {
          minInsyncReplicas: config.minInsyncReplicas,
          commitTimeoutMs: config.offsetsCommitTimeoutMs,
        },
      },
      logger,
    );
  }
  const offsetsTopic = new ConsumerOffsetsTopic(topics, config.offsetsTopicNumPartitions);
  const coordinator = new GroupCoordinator({ store: new ConsumerOffsetsStore(offsetsTopic), options });
  coordinator.load(await readGroupRecords(offsetsTopic.existingLogs()));
  return coordinator;
}
