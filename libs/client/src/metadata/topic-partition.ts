/** One partition of a topic: the unit of ordering, leadership and offsets. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * A partition as error messages and KafkaError contexts name it: `topic 'orders' partition 3`.
 * One spelling everywhere, so logs can be searched for it.
 */
export function describeTopicPartition(topic: string, partition: number): string {
  return `topic '${topic}' partition ${partition}`;
}
