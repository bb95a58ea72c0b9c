import type { GroupMetadataSnapshot, GroupRecord } from './group-records.js';
import type { OffsetAndMetadata, TopicPartition } from './offset-and-metadata.js';

/** What replaying `__consumer_offsets` leaves of one group. */
export interface ReplayedGroup {
  /** The last group record, or null when there is none or it was a tombstone. */
  readonly metadata: GroupMetadataSnapshot | null;
  /** The last commit of each partition that was not followed by a tombstone, in first-commit order. */
  readonly offsets: ReadonlyArray<TopicPartition & { readonly value: OffsetAndMetadata }>;
}

/**
 * Folds records in log order into the surviving state of each group (Kafka's
 * loadGroupsAndOffsets): the newest record per key wins and a tombstone deletes. Groups left with
 * neither metadata nor offsets are gone.
 */
export function replayGroupRecords(records: Iterable<GroupRecord>): Map<string, ReplayedGroup> {
  const metadata = new Map<string, GroupMetadataSnapshot | null>();
  const offsets = new Map<string, Map<string, TopicPartition & { value: OffsetAndMetadata }>>();
  for (const record of records) {
    if (record.type === 'group-metadata') {
      metadata.set(record.groupId, record.value);
      continue;
    }
    let byPartition = offsets.get(record.groupId);
    if (byPartition === undefined) {
      byPartition = new Map();
      offsets.set(record.groupId, byPartition);
    }
    // Topic names cannot contain NUL, so the key is unambiguous.
    const key = `${record.topic}\u0000${record.partition}`;
    if (record.value === null) byPartition.delete(key);
    else byPartition.set(key, { topic: record.topic, partition: record.partition, value: record.value });
  }
  const groups = new Map<string, ReplayedGroup>();
  for (const groupId of new Set([...metadata.keys(), ...offsets.keys()])) {
    const snapshot = metadata.get(groupId) ?? null;
    const committed = [...(offsets.get(groupId)?.values() ?? [])];
    if (snapshot === null && committed.length === 0) continue;
    groups.set(groupId, { metadata: snapshot, offsets: committed });
  }
  return groups;
}
