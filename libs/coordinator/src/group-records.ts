import type { OffsetAndMetadata } from './offset-and-metadata.js';

/**
 * What the coordinator writes to the compacted topic `__consumer_offsets` and reads back at start:
 * one record per committed offset (key: group, topic, partition) and one per group (key: group).
 * A null value is a tombstone: the offset or the group was removed. Compaction keeps the newest
 * record per key, so replaying the topic from the start rebuilds exactly the current state.
 * `offsets-topic-codec.ts` turns these into Kafka's own key/value bytes.
 */

/** A member as persisted with its group: enough to resume a Stable group after a restart. */
export interface PersistedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The member's metadata for the group's protocol. */
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

/** A group's membership as of its last completed rebalance (Kafka's GroupMetadataValue). */
export interface GroupMetadataSnapshot {
  readonly protocolType: string;
  readonly generationId: number;
  /** Null for an Empty group. */
  readonly protocolName: string | null;
  /** Null for an Empty group. */
  readonly leaderId: string | null;
  /** When the group entered its state; null when not known (records before GroupMetadataValue v2). */
  readonly currentStateTimestamp: number | null;
  /** Empty for an Empty group; the persisted group is Stable otherwise. */
  readonly members: readonly PersistedMember[];
}

export interface OffsetCommitRecord {
  readonly type: 'offset-commit';
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly value: OffsetAndMetadata | null;
}

export interface GroupMetadataRecord {
  readonly type: 'group-metadata';
  readonly groupId: string;
  readonly value: GroupMetadataSnapshot | null;
}

export type GroupRecord = OffsetCommitRecord | GroupMetadataRecord;
