import { OFFSETS_TOPIC } from '@runnel/coordinator';
import type { PartitionLog } from '@runnel/log-store';
import type { TopicManager } from '../topics/topic-manager.js';

/** Kafka's `offsets.topic.segment.bytes`: small segments so that compaction can clean old ones. */
const OFFSETS_TOPIC_SEGMENT_BYTES = 100 * 1024 * 1024;

/** The configs `__consumer_offsets` is created with, on a single broker and in a cluster. */
export const OFFSETS_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(OFFSETS_TOPIC_SEGMENT_BYTES),
};

/**
 * The partition logs of `__consumer_offsets`. Like Kafka, the broker creates the topic on first
 * use (the first group write), not at start, so a broker whose clients never use groups lists
 * only their topics. It is created compacted with Kafka's segment size and `partitionCount`
 * partitions (`offsets.topic.num.partitions`); an existing topic keeps its own count, which is
 * the one groups are hashed with.
 */
export class ConsumerOffsetsTopic {
  constructor(
    private readonly topics: TopicManager,
    private readonly partitionCount: number,
  ) {}

  /** The logs of an existing topic, partition 0 first; empty when it does not exist yet. */
  existingLogs(): PartitionLog[] {
    const topic = this.topics.topic(OFFSETS_TOPIC);
    return topic ? this.logsOf(topic.partitions) : [];
  }

  /** The logs, the topic created first when missing. */
  logs(): PartitionLog[] {
    const existing = this.existingLogs();
    if (existing.length > 0) return existing;
    const created = this.topics.createTopic(OFFSETS_TOPIC, {
      numPartitions: this.partitionCount,
      replicationFactor: 1,
      configs: OFFSETS_TOPIC_CONFIGS,
    });
    return this.logsOf(created.partitions);
  }

  /** Throws the log store's KafkaStorageError when a partition's log is offline. */
  private logsOf(count: number): PartitionLog[] {
    return Array.from({ length: count }, (_, partition) => {
      const log = this.topics.partitionLog(OFFSETS_TOPIC, partition);
      if (!log) throw new Error(`partition ${partition} of ${OFFSETS_TOPIC} has no log`);
      return log;
    });
  }
}
