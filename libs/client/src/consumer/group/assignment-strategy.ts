import type {
  GroupAssignment,
  MemberSubscription,
  PartitionAssignor,
  RebalanceProtocol,
  TopicPartitions,
} from '@runnel/coordinator';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '@runnel/protocol';
import type { TopicPartition } from '../../metadata/topic-partition.js';

/**
 * The consumer protocol as a member speaks it: the JoinGroup protocols it offers, the assignment
 * its leader computes with @runnel/coordinator's assignors, and reading its own share back. Pure.
 */

/** JoinGroup's protocol_type for consumers (Kafka's ConsumerProtocol.PROTOCOL_TYPE). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * Subscription v1 carries `ownedPartitions`, which cooperative-sticky needs and which older
 * readers (kafkajs, Kafka < 2.4) skip as trailing bytes.
 */
const SUBSCRIPTION_VERSION = 1;
/** Assignment v1 has v0's layout; every consumer protocol reader reads it. */
const ASSIGNMENT_VERSION = 1;

/**
 * The rebalance protocol of a member with these assignors, as Java's ConsumerCoordinator decides:
 * the highest protocol every assignor supports (cooperative above eager). A list with nothing in
 * common is refused; `undefined` tells the caller to say so.
 */
export function rebalanceProtocolOf(assignors: readonly PartitionAssignor[]): RebalanceProtocol | undefined {
  const supportedByAll = (protocol: RebalanceProtocol) =>
    assignors.every(({ supportedProtocols }) => supportedProtocols.includes(protocol));
  if (supportedByAll('cooperative')) return 'cooperative';
  if (supportedByAll('eager')) return 'eager';
  return undefined;
}

/** What a member remembers of its membership between rebalances, for its subscription. */
export interface SubscriptionState {
  /** The topics the member subscribes to. */
  readonly topics: readonly string[];
  /** What it consumes going into the rebalance (empty under eager: it revoked everything first). */
  readonly owned: readonly TopicPartition[];
  /** Its last assignment, for sticky user data; null before its first. */
  readonly lastAssignment: readonly TopicPartition[] | null;
  /** The generation of that assignment; -1 before the first. */
  readonly lastGenerationId: number;
}

/** One entry of JoinGroup's `protocols` per assignor, preferred first. */
export function joinProtocols(
  assignors: readonly PartitionAssignor[],
  state: SubscriptionState,
): { name: string; metadata: Buffer }[] {
  const topics = [...new Set(state.topics)].sort();
  const ownedPartitions = groupByTopic(state.owned).map(({ topic, partitions }) => ({
    topic,
    partitions: [...partitions],
  }));
  const assignedPartitions = state.lastAssignment === null ? null : groupByTopic(state.lastAssignment);
  return assignors.map((assignor) => ({
    name: assignor.name,
    metadata: encodeSubscription(
      {
        topics,
        userData:
          assignor.subscriptionUserData?.({ assignedPartitions, generationId: state.lastGenerationId }) ??
          null,
        ownedPartitions,
      },
      SUBSCRIPTION_VERSION,
    ),
  }));
}

/** A member of the leader's JoinGroup answer. */
export interface JoinedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Uint8Array;
}

/** The subscriptions of the group's members, read from their JoinGroup metadata. */
export function memberSubscriptions(members: readonly JoinedMember[]): MemberSubscription[] {
  return members.map(({ memberId, groupInstanceId, metadata }) => {
    const subscription = decodeSubscription(Buffer.from(metadata));
    return {
      memberId,
      groupInstanceId,
      topics: subscription.topics,
      ownedPartitions: subscription.ownedPartitions ?? [],
      userData: subscription.userData === null ? null : Buffer.from(subscription.userData),
    };
  });
}

/** Every topic some member subscribes to: what the leader needs partition counts for. */
export function groupTopics(subscriptions: readonly MemberSubscription[]): string[] {
  return [...new Set(subscriptions.flatMap(({ topics }) => topics))].sort();
}

/**
 * The leader's SyncGroup assignments: the assignor's answer, one encoded assignment per member.
 * A member the assignor left out gets an empty assignment, so every member learns its share.
 */
export function encodeGroupAssignment(
  subscriptions: readonly MemberSubscription[],
  assignment: GroupAssignment,
): { memberId: string; assignment: Buffer }[] {
  return subscriptions.map(({ memberId }) => ({
    memberId,
    assignment: encodeAssignment(
      {
        assignedPartitions: (assignment.get(memberId) ?? []).map(({ topic, partitions }) => ({
          topic,
          partitions: [...partitions],
        })),
        userData: null,
      },
      ASSIGNMENT_VERSION,
    ),
  }));
}

/** This member's partitions in the assignment SyncGroup returned, topic by topic, ascending. */
export function decodeMemberAssignment(bytes: Uint8Array): TopicPartition[] {
  const { assignedPartitions } = decodeAssignment(Buffer.from(bytes));
  return sortPartitions(
    assignedPartitions.flatMap(({ topic, partitions }) =>
      partitions.map((partition) => ({ topic, partition })),
    ),
  );
}

export function groupByTopic(partitions: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of sortPartitions(partitions)) {
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

/** By topic name (code unit order, as Kafka), then partition. */
export function sortPartitions(partitions: readonly TopicPartition[]): TopicPartition[] {
  return [...partitions].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}
