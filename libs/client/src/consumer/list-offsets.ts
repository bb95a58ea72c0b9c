import { ErrorCode, KafkaError, ListOffsets } from '@runnel/protocol';
import type { Cluster } from '../metadata/cluster.js';
import { describeTopicPartition, type TopicPartition } from '../metadata/topic-partition.js';
import { partitionKey } from './partition-state.js';

/** ListOffsets' special timestamps: the log start offset, or the end (high watermark / last stable offset). */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

/**
 * Asks `leader` for the earliest or latest offset of each partition (ListOffsets v1+), as Kafka's
 * OffsetFetcher does for an offset reset. Resolves with the offsets by `${topic}:${partition}`;
 * rejects with the first partition's KafkaError (retriable for leadership errors, so the caller
 * refreshes metadata and tries again).
 */
export async function listOffsets(
  cluster: Cluster,
  leader: number,
  partitions: readonly TopicPartition[],
  timestamp: bigint,
  readCommitted: boolean,
  timeoutMs: number,
): Promise<Map<string, bigint>> {
  const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint }[]>();
  for (const { topic, partition } of partitions) {
    let list = byTopic.get(topic);
    if (!list) {
      list = [];
      byTopic.set(topic, list);
    }
    list.push({ partitionIndex: partition, timestamp });
  }
  const connection = await cluster.connection(leader);
  const response = await connection.request(
    ListOffsets,
    {
      replicaId: -1,
      isolationLevel: readCommitted ? 1 : 0,
      topics: [...byTopic].map(([name, list]) => ({ name, partitions: list })),
    },
    { timeoutMs },
  );
  const offsets = new Map<string, bigint>();
  for (const { name, partitions: answers } of response.topics) {
    for (const { partitionIndex, errorCode, offset, oldStyleOffsets } of answers) {
      if (errorCode !== ErrorCode.NONE) {
        throw KafkaError.fromCode(errorCode, {
          context: `ListOffsets ${describeTopicPartition(name, partitionIndex)}`,
        });
      }
      offsets.set(partitionKey(name, partitionIndex), offset >= 0n ? offset : (oldStyleOffsets[0] ?? -1n));
    }
  }
  return offsets;
}
