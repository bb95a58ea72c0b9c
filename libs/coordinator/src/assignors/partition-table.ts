/**
 * The partitions of a group's subscribed topics numbered 0 .. size - 1 in (topic, partition)
 * order, so per-partition state fits in flat arrays indexed by id. Topic `i` owns the ids
 * `firstId[i] .. firstId[i] + partitionCount[i] - 1`.
 */
export interface PartitionTable {
  /** The topics, by name; each has at least one partition. */
  readonly topics: readonly string[];
  readonly firstId: readonly number[];
  readonly partitionCount: readonly number[];
  /** The topic index of each id. */
  readonly topicOf: Int32Array;
  readonly size: number;
  /** Index of each topic in {@link topics}. */
  readonly topicIndex: ReadonlyMap<string, number>;
}

/** `topics` must be sorted, distinct, and present in `partitionsPerTopic` with a positive count. */
export function partitionTable(
  topics: readonly string[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): PartitionTable {
  const partitionCount = topics.map((topic) => partitionsPerTopic.get(topic)!);
  const firstId: number[] = [];
  let size = 0;
  for (const count of partitionCount) {
    firstId.push(size);
    size += count;
  }
  const topicOf = new Int32Array(size);
  partitionCount.forEach((count, i) => {
    topicOf.fill(i, firstId[i]!, firstId[i]! + count);
  });
  return {
    topics,
    firstId,
    partitionCount,
    topicOf,
    size,
    topicIndex: new Map(topics.map((t, i) => [t, i])),
  };
}

/** The id of `partition` of `topic`; undefined when the table has no such partition. */
export function partitionId(table: PartitionTable, topic: string, partition: number): number | undefined {
  const i = table.topicIndex.get(topic);
  if (
    i === undefined ||
    !Number.isInteger(partition) ||
    partition < 0 ||
    partition >= table.partitionCount[i]!
  ) {
    return undefined;
  }
  return table.firstId[i]! + partition;
}
