import { ErrorCode } from '@runnel/protocol';
import type { Clock } from './clock.js';
import { GroupMetadata } from './group-metadata.js';
import type { GroupRecord, OffsetCommitRecord } from './group-records.js';
import { groupSnapshot } from './group-snapshot.js';
import type { GroupStore } from './group-store.js';
import type { OffsetAndMetadata, TopicPartition } from './offset-and-metadata.js';
import type { FetchedOffset, OffsetFetchRequest, OffsetFetchResult } from './offset-types.js';
import { storeErrorCode } from './store-errors.js';

/** One offset to store for a group. */
export interface OffsetToStore extends TopicPartition {
  readonly value: OffsetAndMetadata;
}

/**
 * The groups this coordinator owns and their persistence (the part of Kafka's GroupMetadataManager
 * that is not log reading): what is written to the store, and when memory follows.
 *
 * Invariant: memory changes after the store acknowledged the write, for offsets and assignments,
 * so nothing a client was told is lost at a restart; removals (tombstones) change memory first
 * because a removed offset must not be served while its tombstone is being written.
 */
export class GroupMetadataManager {
  readonly #groups = new Map<string, GroupMetadata>();
  readonly #clock: Clock;
  readonly #store: GroupStore;

  constructor(clock: Clock, store: GroupStore) {
    this.#clock = clock;
    this.#store = store;
  }

  get(groupId: string): GroupMetadata | undefined {
    return this.#groups.get(groupId);
  }

  /** A new Empty group, registered. */
  create(groupId: string): GroupMetadata {
    const group = new GroupMetadata(groupId, this.#clock.now());
    this.#groups.set(groupId, group);
    return group;
  }

  /** Registers a group rebuilt from the store. */
  add(group: GroupMetadata): void {
    this.#groups.set(group.groupId, group);
  }

  all(): IterableIterator<GroupMetadata> {
    return this.#groups.values();
  }

  /**
   * Stores the group with `assignment` as each member's assignment; resolves to NONE or the error
   * code for the client. Never rejects.
   */
  storeGroup(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>): Promise<number> {
    const record: GroupRecord = {
      type: 'group-metadata',
      groupId: group.groupId,
      value: groupSnapshot(group, assignment),
    };
    return this.#append(group.groupId, [record], 'group');
  }

  /**
   * Stores commits and, once stored, makes them visible; resolves to NONE or the error code for
   * every partition. While the write is in flight the partitions are pending: expiry skips them.
   */
  async storeOffsets(group: GroupMetadata, offsets: readonly OffsetToStore[]): Promise<number> {
    for (const { topic, partition } of offsets) group.offsets.beginPending(topic, partition);
    const records = offsets.map(
      ({ topic, partition, value }): OffsetCommitRecord => ({
        type: 'offset-commit',
        groupId: group.groupId,
        topic,
        partition,
        value,
      }),
    );
    const errorCode = await this.#append(group.groupId, records, 'offsets');
    for (const { topic, partition, value } of offsets) {
      group.offsets.endPending(topic, partition);
      if (errorCode === ErrorCode.NONE && !group.is('Dead')) group.offsets.set(topic, partition, value);
    }
    return errorCode;
  }

  /**
   * Committed offsets, whatever the group's state (a group may use the coordinator only to store
   * offsets). A partition without a commit answers offset -1; `topics: null` lists every commit.
   */
  fetchOffsets(request: OffsetFetchRequest): OffsetFetchResult {
    const known = this.#groups.get(request.groupId);
    if (request.topics === null) {
      const byTopic = new Map<string, FetchedOffset[]>();
      for (const { topic, partition, value } of known?.offsets.entries() ?? []) {
        let partitions = byTopic.get(topic);
        if (partitions === undefined) {
          partitions = [];
          byTopic.set(topic, partitions);
        }
        partitions.push(fetched(partition, value));
      }
      return {
        errorCode: ErrorCode.NONE,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: request.topics.map(({ name, partitionIndexes }) => ({
        name,
        partitions: partitionIndexes.map((partition) =>
          fetched(partition, known?.offsets.get(name, partition)),
        ),
      })),
    };
  }

  /**
   * Removes the given offsets of a group and, when `removeGroup`, the group itself (now Dead),
   * then writes their tombstones. The group's tombstone is written only for a group that was ever
   * managed (generation > 0): one used only for offsets never had a group record.
   */
  removeOffsetsAndMaybeGroup(
    group: GroupMetadata,
    offsets: readonly TopicPartition[],
    removeGroup: boolean,
  ): Promise<number> {
    const records: GroupRecord[] = [];
    for (const { topic, partition } of offsets) {
      group.offsets.delete(topic, partition);
      records.push({ type: 'offset-commit', groupId: group.groupId, topic, partition, value: null });
    }
    if (removeGroup) {
      group.transitionTo('Dead', this.#clock.now());
      this.#groups.delete(group.groupId);
      if (group.generationId > 0)
        records.push({ type: 'group-metadata', groupId: group.groupId, value: null });
    }
    if (records.length === 0) return Promise.resolve(ErrorCode.NONE);
    return this.#append(group.groupId, records, 'offsets');
  }

  #append(groupId: string, records: readonly GroupRecord[], write: 'group' | 'offsets'): Promise<number> {
    return this.#store.append(groupId, records).then(
      () => ErrorCode.NONE,
      (error: unknown) => storeErrorCode(error, write),
    );
  }
}

function fetched(partition: number, value: OffsetAndMetadata | undefined): FetchedOffset {
  return {
    partitionIndex: partition,
    committedOffset: value?.offset ?? -1n,
    committedLeaderEpoch: value?.leaderEpoch ?? -1,
    metadata: value?.metadata ?? '',
    errorCode: ErrorCode.NONE,
  };
}
