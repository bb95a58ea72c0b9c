import type { InputOf, OffsetCommit, RequestOf, ResponseOf } from '@runnel/protocol';
import { describeTopicPartition, type TopicPartition } from '../../metadata/topic-partition.js';
import { groupByTopic } from './assignment-strategy.js';
import { type CommitErrorAction, offsetCommitAction, offsetFetchAction } from './group-error-actions.js';
import type { GroupOffsets, OffsetFetchTopics } from './offset-fetch.js';
import { partitionKey } from './rebalance-changes.js';

/**
 * OffsetCommit and OffsetFetch as plain values: the request bodies a member sends and what each
 * partition's answer means (through the tables of group-error-actions.ts). Pure.
 */

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume: one past the last record handled, as Kafka commits. */
  readonly offset: bigint;
  readonly metadata?: string;
}

/** The member's identity in its current generation, as commits carry it. */
export interface MemberIdentity {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export function offsetCommitRequest(
  member: MemberIdentity,
  offsets: readonly OffsetToCommit[],
): InputOf<RequestOf<typeof OffsetCommit>> {
  const byTopic = new Map<string, OffsetToCommit[]>();
  for (const offset of offsets) {
    const list = byTopic.get(offset.topic);
    if (list) list.push(offset);
    else byTopic.set(offset.topic, [offset]);
  }
  return {
    groupId: member.groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, list]) => ({
      name,
      partitions: list.map(({ partition, offset, metadata }) => ({
        partitionIndex: partition,
        committedOffset: offset,
        committedLeaderEpoch: -1,
        committedMetadata: metadata ?? '',
      })),
    })),
  };
}

/** A partition whose answer was an error, with what to do about it. */
export interface PartitionError {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly action: CommitErrorAction;
}

/** The partitions of a commit answer that failed; empty when every offset was stored. */
export function offsetCommitErrors(response: ResponseOf<typeof OffsetCommit>): PartitionError[] {
  return response.topics.flatMap(({ name, partitions }) =>
    partitions
      .filter(({ errorCode }) => errorCode !== 0)
      .map(({ partitionIndex, errorCode }) => ({
        topic: name,
        partition: partitionIndex,
        errorCode,
        action: offsetCommitAction(errorCode),
      })),
  );
}

/** The partitions to ask OffsetFetch for, by topic (see offset-fetch.ts for the request at each version). */
export function offsetFetchTopics(partitions: readonly TopicPartition[]): NonNullable<OffsetFetchTopics> {
  return groupByTopic(partitions).map(({ topic, partitions: indexes }) => ({
    name: topic,
    partitionIndexes: [...indexes],
  }));
}

export type OffsetFetchOutcome =
  /** `${topic}:${partition}` to the committed offset, -1n where the group has none. */
  | { readonly ok: true; readonly offsets: Map<string, bigint> }
  | { readonly ok: false; readonly errors: PartitionError[] };

/**
 * What the group's OffsetFetch answer says for the partitions asked. A group-level error (v2+)
 * applies to every partition; a partition the answer leaves out has no committed offset.
 */
export function offsetFetchOutcome(
  partitions: readonly TopicPartition[],
  response: GroupOffsets,
): OffsetFetchOutcome {
  const groupError = response.errorCode;
  if (groupError !== 0) {
    const action = offsetFetchAction(groupError);
    return { ok: false, errors: partitions.map((tp) => ({ ...tp, errorCode: groupError, action })) };
  }
  const offsets = new Map(partitions.map((tp) => [partitionKey(tp), -1n]));
  const errors: PartitionError[] = [];
  for (const { name, partitions: answered } of response.topics) {
    for (const { partitionIndex, committedOffset, errorCode } of answered) {
      const key = partitionKey({ topic: name, partition: partitionIndex });
      if (!offsets.has(key)) continue;
      if (errorCode !== 0) {
        errors.push({
          topic: name,
          partition: partitionIndex,
          errorCode,
          action: offsetFetchAction(errorCode),
        });
      } else {
        offsets.set(key, committedOffset < 0n ? -1n : committedOffset);
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, offsets };
}

/** `topic 'orders' partition 3` for each, for error messages. */
export function describePartitions(errors: readonly PartitionError[]): string {
  return errors.map(({ topic, partition }) => describeTopicPartition(topic, partition)).join(', ');
}
