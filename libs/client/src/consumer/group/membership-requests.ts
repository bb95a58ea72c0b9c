import { JoinGroup, KafkaError, LeaveGroup, SyncGroup } from '@runnel/protocol';
import type { BrokerConnection } from '../../connection/broker-connection.js';
import type { Cluster } from '../../metadata/cluster.js';
import type { TopicPartition } from '../../metadata/topic-partition.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeMemberAssignment,
  encodeGroupAssignment,
  groupTopics,
  type JoinedMember,
  joinProtocols,
  memberSubscriptions,
} from './assignment-strategy.js';
import type { GroupConfig } from './consumer-group-options.js';
import { type GroupErrorAction, joinGroupAction, syncGroupAction } from './group-error-actions.js';
import { GroupMembershipError } from './group-errors.js';

/** A JoinGroup waits for the whole rebalance: its timeout is the rebalance timeout plus this (Java's lapse). */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;

/** Who the member is and what it brings into the round. */
export interface JoinRoundInput {
  readonly topics: readonly string[];
  readonly memberId: string;
  readonly owned: readonly TopicPartition[];
  readonly lastAssignment: readonly TopicPartition[] | null;
  readonly lastGenerationId: number;
}

/** How one round ended; the coordinator decides what follows. */
export type JoinOutcome =
  | {
      readonly kind: 'joined';
      readonly memberId: string;
      readonly generationId: number;
      readonly protocol: string;
      readonly leaderId: string;
      readonly assigned: TopicPartition[];
      /**
       * The leader's view of the group's topics when it assigned (partition counts, undefined for
       * topics the cluster did not know): a change means a new assignment is due. Null for others.
       */
      readonly assignedOver: ReadonlyMap<string, number | undefined> | null;
    }
  /** JoinGroup v4+ handed out this id; join again with it at once. */
  | { readonly kind: 'member-id-required'; readonly memberId: string }
  | {
      readonly kind: 'refused';
      readonly action: GroupErrorAction;
      readonly error: KafkaError;
      /** Set when SyncGroup refused: the member and generation its JoinGroup had been given. */
      readonly joined?: { readonly memberId: string; readonly generationId: number };
    };

/**
 * One round of the join protocol on the membership connection: JoinGroup, the leader's
 * assignment when this member leads, SyncGroup. Errors of the protocol come back as `refused`
 * with their action; a lost connection or a timeout rejects.
 */
export async function joinGroupRound(
  connection: BrokerConnection,
  cluster: Cluster,
  config: GroupConfig,
  input: JoinRoundInput,
): Promise<JoinOutcome> {
  const timeoutMs = config.rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS;
  const join = await connection.request(
    JoinGroup,
    {
      groupId: config.groupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      memberId: input.memberId,
      groupInstanceId: config.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: joinProtocols(config.assignors, input),
    },
    { timeoutMs },
  );
  const joinAction = joinGroupAction(join.errorCode);
  if (joinAction === 'member-id-required') return { kind: 'member-id-required', memberId: join.memberId };
  if (joinAction !== 'none') return refused(config, 'JoinGroup', joinAction, join.errorCode);

  const member = { memberId: join.memberId, generationId: join.generationId };
  const leader =
    join.leader === join.memberId
      ? await leaderAssignment(cluster, config, join.protocolName, join.members)
      : null;
  const sync = await connection.request(
    SyncGroup,
    {
      groupId: config.groupId,
      ...member,
      groupInstanceId: config.groupInstanceId,
      assignments: leader?.assignments ?? [],
    },
    { timeoutMs },
  );
  const syncAction = syncGroupAction(sync.errorCode);
  if (syncAction !== 'none')
    return { ...refused(config, 'SyncGroup', syncAction, sync.errorCode), joined: member };
  return {
    kind: 'joined',
    ...member,
    protocol: join.protocolName,
    leaderId: join.leader,
    assigned: decodeMemberAssignment(sync.assignment),
    assignedOver: leader?.partitionCounts ?? null,
  };
}

/**
 * The leader's part: every member's share, by the assignor the group chose, over the partition
 * counts of every topic some member subscribes to (topics the cluster does not know are left out).
 */
async function leaderAssignment(
  cluster: Cluster,
  config: GroupConfig,
  protocolName: string,
  members: readonly JoinedMember[],
): Promise<{
  assignments: { memberId: string; assignment: Buffer }[];
  partitionCounts: Map<string, number | undefined>;
}> {
  const assignor = config.assignors.find(({ name }) => name === protocolName);
  if (assignor === undefined) {
    throw new GroupMembershipError(
      config.groupId,
      `the group chose assignor '${protocolName}', which this member did not offer`,
    );
  }
  const subscriptions = memberSubscriptions(members);
  const topics = groupTopics(subscriptions);
  await cluster.metadata(topics);
  const partitionCounts = partitionCountsOf(cluster, topics);
  const partitionsPerTopic = new Map<string, number>();
  for (const [topic, count] of partitionCounts) if (count !== undefined) partitionsPerTopic.set(topic, count);
  const assignment = assignor.assign({ members: subscriptions, partitionsPerTopic });
  return { assignments: encodeGroupAssignment(subscriptions, assignment), partitionCounts };
}

/** Each topic's partition count in the cluster's metadata cache; undefined for an unknown topic. */
export function partitionCountsOf(
  cluster: Cluster,
  topics: Iterable<string>,
): Map<string, number | undefined> {
  return new Map([...topics].map((topic) => [topic, cluster.partitionCount(topic)]));
}

function refused(
  config: GroupConfig,
  request: 'JoinGroup' | 'SyncGroup',
  action: GroupErrorAction,
  errorCode: number,
): Extract<JoinOutcome, { kind: 'refused' }> {
  return {
    kind: 'refused',
    action,
    error: KafkaError.fromCode(errorCode, { context: `group '${config.groupId}' ${request}` }),
  };
}

/**
 * LeaveGroup for one member (v3+ as a batch of one, v0-2 by member id; the codec picks per
 * version). Rejects with the KafkaError of a refusal, the group's or (v3+) the member's.
 */
export async function leaveGroup(
  connection: BrokerConnection,
  groupId: string,
  memberId: string,
): Promise<void> {
  const response = await connection.request(LeaveGroup, {
    groupId,
    memberId,
    members: [{ memberId, groupInstanceId: null }],
  });
  const errorCode = response.errorCode || (response.members?.[0]?.errorCode ?? 0);
  KafkaError.throwIfError(errorCode, { context: `group '${groupId}' LeaveGroup of member ${memberId}` });
}
