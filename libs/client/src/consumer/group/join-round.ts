import { JoinGroup, KafkaError, SyncGroup } from '@runnel/protocol';
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
  const assignments =
    join.leader === join.memberId
      ? await leaderAssignment(cluster, config, join.protocolName, join.members)
      : [];
  const sync = await connection.request(
    SyncGroup,
    { groupId: config.groupId, ...member, groupInstanceId: config.groupInstanceId, assignments },
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
): Promise<{ memberId: string; assignment: Buffer }[]> {
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
  const partitionsPerTopic = new Map<string, number>();
  for (const topic of topics) {
    const count = cluster.partitionCount(topic);
    if (count !== undefined) partitionsPerTopic.set(topic, count);
  }
  return encodeGroupAssignment(
    subscriptions,
    assignor.assign({ members: subscriptions, partitionsPerTopic }),
  );
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
