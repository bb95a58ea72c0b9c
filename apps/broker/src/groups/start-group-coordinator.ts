import { GroupCoordinator } from '@runnel/coordinator';
import type { BrokerConfig } from '../config/broker-config.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { readGroupRecords } from './consumer-offsets-replay.js';
import { ConsumerOffsetsStore } from './consumer-offsets-store.js';
import { ConsumerOffsetsTopic } from './consumer-offsets-topic.js';

/**
 * The broker's group coordinator, ready to serve: every partition of `__consumer_offsets` (when
 * it exists) is replayed into the coordinator before it is returned, so the Kafka listener never
 * accepts a request before committed offsets are back. Throws (the broker does not start) when a
 * partition of `__consumer_offsets` cannot be opened or read.
 */
export async function startGroupCoordinator(
  config: BrokerConfig,
  topics: TopicManager,
): Promise<GroupCoordinator> {
  const offsetsTopic = new ConsumerOffsetsTopic(topics, config.offsetsTopicNumPartitions);
  const coordinator = new GroupCoordinator({
    store: new ConsumerOffsetsStore(offsetsTopic),
    options: {
      groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
    },
  });
  coordinator.load(await readGroupRecords(offsetsTopic.existingLogs()));
  return coordinator;
}
