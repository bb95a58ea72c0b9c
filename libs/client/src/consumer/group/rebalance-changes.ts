import type { RebalanceProtocol } from '@runnel/coordinator';
import type { TopicPartition } from '../../metadata/topic-partition.js';
import { sortPartitions } from './assignment-strategy.js';

/**
 * Which partitions a member gives up, and how, at each step of a rebalance: the decisions of
 * Kafka's ConsumerCoordinator (`onJoinPrepare`, `onJoinComplete`, `onLeavePrepare`) as pure
 * functions over partition sets. Every list comes back sorted by topic, then partition.
 *
 * Revoked partitions were given up in order: the listener may still commit their progress. Lost
 * partitions were taken away (the member's generation ended without it): committing them would
 * fail, and another member may already be consuming them.
 */

export interface PartitionsGivenUp {
  readonly revoked: TopicPartition[];
  readonly lost: TopicPartition[];
}

/**
 * Before a JoinGroup. A member whose generation ended (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, a
 * poll timeout) has lost everything it owned. Otherwise, eager: everything is revoked, so no
 * partition is consumed by two members; cooperative: only partitions of topics the member no
 * longer subscribes to, the rest is consumed on through the rebalance.
 */
export function beforeJoin(
  owned: readonly TopicPartition[],
  protocol: RebalanceProtocol,
  generationValid: boolean,
  subscribedTopics: readonly string[],
): PartitionsGivenUp {
  if (!generationValid) return { revoked: [], lost: sortPartitions(owned) };
  if (protocol === 'eager') return { revoked: sortPartitions(owned), lost: [] };
  const subscribed = new Set(subscribedTopics);
  return { revoked: sortPartitions(owned.filter(({ topic }) => !subscribed.has(topic))), lost: [] };
}

export interface AssignmentChange {
  /** Owned before, not assigned now: the listener revokes them. */
  readonly revoked: TopicPartition[];
  /** Assigned now, not owned before: the listener starts fetching them. */
  readonly added: TopicPartition[];
  /** The new assignment: what the member owns once the change is applied. */
  readonly owned: TopicPartition[];
  /**
   * Cooperative only: some partitions were revoked, so another member is waiting for them. The
   * member rejoins at once and the follow-up rebalance hands them over (KIP-429).
   */
  readonly rejoin: boolean;
}

/**
 * After SyncGroup: what changes between what the member owns and its new assignment. Under eager
 * the member owns nothing by now (see {@link beforeJoin}), so all of it is added.
 */
export function assignmentChange(
  owned: readonly TopicPartition[],
  assigned: readonly TopicPartition[],
  protocol: RebalanceProtocol,
): AssignmentChange {
  const assignedKeys = new Set(assigned.map(partitionKey));
  const ownedKeys = new Set(owned.map(partitionKey));
  const revoked = sortPartitions(owned.filter((tp) => !assignedKeys.has(partitionKey(tp))));
  return {
    revoked,
    added: sortPartitions(assigned.filter((tp) => !ownedKeys.has(partitionKey(tp)))),
    owned: sortPartitions(dedupe(assigned)),
    rejoin: protocol === 'cooperative' && revoked.length > 0,
  };
}

/**
 * When the member leaves (stop, or a poll timeout). With its generation still valid it revokes
 * everything, so the listener commits; without one (or when the member leaves because its
 * handlers stalled, and they cannot be waited for) everything is lost.
 */
export function onLeave(owned: readonly TopicPartition[], canCommit: boolean): PartitionsGivenUp {
  return canCommit
    ? { revoked: sortPartitions(owned), lost: [] }
    : { revoked: [], lost: sortPartitions(owned) };
}

/** `${topic}:${partition}`, the key FETCH's maps and the committed-offsets map use. */
export function partitionKey({ topic, partition }: TopicPartition): string {
  return `${topic}:${partition}`;
}

/** `partitions` without those in `removed`. */
export function without(
  partitions: readonly TopicPartition[],
  removed: readonly TopicPartition[],
): TopicPartition[] {
  const gone = new Set(removed.map(partitionKey));
  return partitions.filter((tp) => !gone.has(partitionKey(tp)));
}

function dedupe(partitions: readonly TopicPartition[]): TopicPartition[] {
  const seen = new Set<string>();
  return partitions.filter((tp) => {
    const key = partitionKey(tp);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
