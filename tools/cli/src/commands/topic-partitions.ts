import type { Admin, PartitionDescription } from '@runnel/client';

/** The topic's partitions with their offsets; TopicNotFoundError (naming the topic) when it does not exist. */
export async function describeTopicPartitions(admin: Admin, topic: string): Promise<PartitionDescription[]> {
  const { topics } = await admin.describeTopics({ topics: [topic] });
  return [...topics[0]!.partitions].sort((a, b) => a.partition - b.partition);
}

/** The topic's partition numbers, in order. */
export async function requireTopicPartitions(admin: Admin, topic: string): Promise<number[]> {
  return (await describeTopicPartitions(admin, topic)).map((p) => p.partition);
}
