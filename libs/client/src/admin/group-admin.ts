import { DeleteGroups, DescribeGroups, decodeAssignment, ListGroups, OffsetCommit } from '@runnel/protocol';
import type { BrokerConnection } from '../connection/broker-connection.js';
import { findGroupCoordinator } from '../consumer/group/find-coordinator.js';
import { fetchGroupOffsets, type OffsetFetchTopics } from '../consumer/group/offset-fetch.js';
import { RunnelError } from '../errors/runnel-error.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';
import { type AdminContext, groupBy, requireTopic, TopicNotFoundError } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';
import type {
  GroupDescription,
  GroupMemberDescription,
  GroupOverview,
  GroupTopicOffsets,
} from './admin-types.js';
import { LATEST_TIMESTAMP, listOffsets, toOffset } from './offset-admin.js';

/** States in which a group has no members, so its offsets may be changed from outside. */
const INACTIVE_STATES = new Set(['Empty', 'Dead']);

function groupContext(groupId: string): string {
  return `group '${groupId}'`;
}

function requireGroupIds(operation: string, groupIds: unknown): asserts groupIds is string[] {
  if (
    !Array.isArray(groupIds) ||
    groupIds.length === 0 ||
    groupIds.some((g) => typeof g !== 'string' || g === '')
  ) {
    throw new RunnelError(`${operation}: groupIds must be a non-empty array of non-empty strings`);
  }
}

/** The coordinator's node id for a group (FindCoordinator); its errors name the group. */
async function findCoordinator(context: AdminContext, groupId: string): Promise<number> {
  const connection = await context.cluster.anyConnection();
  const answer = await findGroupCoordinator(connection, groupId);
  const error = errorFor(answer.errorCode, groupContext(groupId), answer.errorMessage);
  if (error !== undefined) throw error;
  return answer.nodeId;
}

/** Runs `work` on a connection to the group's coordinator, finding it again after a retriable error. */
function onCoordinator<T>(
  context: AdminContext,
  groupId: string,
  work: (connection: BrokerConnection) => Promise<T>,
): Promise<T> {
  return withRetries(context.options, async () => {
    const nodeId = await findCoordinator(context, groupId);
    return work(await context.cluster.connection(nodeId));
  });
}

/** Every group of every broker (each broker lists the groups it coordinates). */
export async function listGroups(context: AdminContext): Promise<{ groups: GroupOverview[] }> {
  await context.cluster.refreshMetadata([]);
  const answers = await Promise.all(
    context.cluster.brokers().map((broker) =>
      withRetries(context.options, async () => {
        const connection = await context.cluster.connection(broker.nodeId);
        const answer = await connection.request(ListGroups, {});
        const error = errorFor(answer.errorCode, `broker ${broker.nodeId} ListGroups`);
        if (error !== undefined) throw error;
        return answer.groups;
      }),
    ),
  );
  return { groups: answers.flat().map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) };
}

/** Members of each group with their assignments decoded (consumer groups); `Dead` for a group that does not exist. */
export async function describeGroups(
  context: AdminContext,
  groupIds: string[],
): Promise<{ groups: GroupDescription[] }> {
  requireGroupIds('describeGroups', groupIds);
  const groups = await Promise.all(
    groupIds.map((groupId) =>
      onCoordinator(context, groupId, async (connection) => {
        const answer = await connection.request(DescribeGroups, { groups: [groupId] });
        const group = answer.groups[0];
        if (group === undefined)
          throw new RunnelError(`${groupContext(groupId)}: DescribeGroups answered no group`);
        const error = errorFor(group.errorCode, groupContext(groupId));
        if (error !== undefined) throw error;
        return {
          groupId: group.groupId,
          state: group.groupState,
          protocolType: group.protocolType,
          protocol: group.protocolData,
          members: group.members.map(
            (m): GroupMemberDescription => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.memberMetadata,
              memberAssignment: m.memberAssignment,
              assignment: group.protocolType === 'consumer' ? readAssignment(m.memberAssignment) : null,
            }),
          ),
        };
      }),
    ),
  );
  return { groups };
}

/** A member's partitions; null when the bytes are not a consumer assignment (another client's protocol). */
function readAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] | null {
  try {
    return decodeAssignment(bytes).assignedPartitions.map((a) => ({
      topic: a.topic,
      partitions: [...a.partitions],
    }));
  } catch {
    return null;
  }
}

/**
 * The group's committed offsets with each partition's log end offset and lag. With `topics`, every
 * partition of those topics (offset -1n where nothing is committed); without, what the group
 * committed, including the offsets it still holds of topics deleted since (kept until
 * `offsets.retention.minutes`, as Java's `listConsumerGroupOffsets` returns them): a topic that no
 * longer exists has `logEndOffset` -1n and `lag` null, its end being unknown.
 */
export async function fetchOffsets(
  context: AdminContext,
  options: { groupId: string; topics?: string[] },
): Promise<GroupTopicOffsets[]> {
  const { groupId, topics } = options ?? {};
  requireGroupIds('fetchOffsets', [groupId]);
  let asked: OffsetFetchTopics = null;
  if (topics !== undefined) {
    const metadata = await context.cluster.metadata(topics, { allowAutoTopicCreation: false });
    asked = topics.map((name) => ({
      name,
      partitionIndexes: requireTopic(metadata, name).partitions.map((p) => p.partition),
    }));
  }
  const committed = await onCoordinator(context, groupId, async (connection) => {
    const answer = await fetchGroupOffsets(connection, groupId, asked);
    const error = errorFor(answer.errorCode, groupContext(groupId));
    if (error !== undefined) throw error;
    return answer.topics;
  });
  const errors: Error[] = [];
  const results = await Promise.all(
    committed.map(async (topic): Promise<GroupTopicOffsets> => {
      const ends = await logEndOffsets(context, topic.name);
      const partitions = topic.partitions.flatMap((p) => {
        const error = errorFor(
          p.errorCode,
          `${groupContext(groupId)} ${describeTopicPartition(topic.name, p.partitionIndex)}`,
        );
        if (error !== undefined) {
          errors.push(error);
          return [];
        }
        const logEndOffset = ends.get(p.partitionIndex)?.offset ?? UNKNOWN_OFFSET;
        return [
          {
            partition: p.partitionIndex,
            offset: p.committedOffset,
            metadata: p.metadata,
            logEndOffset,
            lag: lagOf(p.committedOffset, logEndOffset),
          },
        ];
      });
      return { topic: topic.name, partitions: partitions.sort((a, b) => a.partition - b.partition) };
    }),
  );
  throwCollected('fetchOffsets', errors);
  return results;
}

/** What fetchOffsets says of an offset nobody committed, or of the end of a topic that is gone. */
const UNKNOWN_OFFSET = -1n;

/** The high watermarks of a topic's partitions; none when the topic no longer exists. */
async function logEndOffsets(context: AdminContext, topic: string): ReturnType<typeof listOffsets> {
  try {
    return await listOffsets(context, topic, LATEST_TIMESTAMP);
  } catch (err) {
    if (err instanceof TopicNotFoundError) return new Map();
    throw err;
  }
}

/** `logEndOffset - committed`, at least 0; null when either is unknown. */
function lagOf(committed: bigint, logEndOffset: bigint): bigint | null {
  if (committed < 0n || logEndOffset < 0n) return null;
  return logEndOffset > committed ? logEndOffset - committed : 0n;
}

/** Refuses to move the offsets of a group with members: they would overwrite them with their next commit. */
export async function requireInactive(
  context: AdminContext,
  groupId: string,
  operation: string,
): Promise<void> {
  const { groups } = await describeGroups(context, [groupId]);
  const state = groups[0]?.state ?? 'Dead';
  if (!INACTIVE_STATES.has(state)) {
    throw new RunnelError(
      `${operation}: ${groupContext(groupId)} is ${state} with ${groups[0]?.members.length ?? 0} member(s); offsets can only be changed while it has none (Empty)`,
    );
  }
}

/** Commits offsets for a group without members, as an outsider (generation -1). */
export async function setOffsets(
  context: AdminContext,
  options: {
    groupId: string;
    topic: string;
    partitions: { partition: number; offset: bigint | number | string }[];
  },
): Promise<void> {
  const { groupId, topic, partitions } = options ?? {};
  requireGroupIds('setOffsets', [groupId]);
  if (typeof topic !== 'string' || !Array.isArray(partitions) || partitions.length === 0) {
    throw new RunnelError('setOffsets: needs a topic and a non-empty partitions array');
  }
  const offsets = partitions.map((p) => ({
    partition: p.partition,
    offset: toOffset('setOffsets', p.offset),
  }));
  await requireInactive(context, groupId, 'setOffsets');
  const answer = await onCoordinator(context, groupId, (connection) =>
    connection.request(OffsetCommit, {
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: topic,
          partitions: offsets.map((p) => ({
            partitionIndex: p.partition,
            committedOffset: p.offset,
            committedMetadata: null,
          })),
        },
      ],
    }),
  );
  throwCollected(
    'setOffsets',
    answer.topics.flatMap((t) =>
      t.partitions.flatMap(
        (p) =>
          errorFor(
            p.errorCode,
            `${groupContext(groupId)} ${describeTopicPartition(t.name, p.partitionIndex)}`,
          ) ?? [],
      ),
    ),
  );
}

/** Deletes groups (they must have no members); each failure names its group. */
export async function deleteGroups(
  context: AdminContext,
  groupIds: string[],
): Promise<{ groupId: string }[]> {
  requireGroupIds('deleteGroups', groupIds);
  const coordinators = await Promise.all(
    groupIds.map(async (groupId) => ({
      groupId,
      nodeId: await withRetries(context.options, () => findCoordinator(context, groupId)),
    })),
  );
  const errors: Error[] = [];
  const deleted: { groupId: string }[] = [];
  await Promise.all(
    [...groupBy(coordinators, (c) => c.nodeId)].map(async ([nodeId, groups]) => {
      const connection = await context.cluster.connection(nodeId);
      const answer = await connection.request(DeleteGroups, { groupsNames: groups.map((g) => g.groupId) });
      for (const result of answer.results) {
        const error = errorFor(result.errorCode, groupContext(result.groupId));
        if (error !== undefined) errors.push(error);
        else deleted.push({ groupId: result.groupId });
      }
    }),
  );
  throwCollected('deleteGroups', errors);
  return groupIds.filter((g) => deleted.some((d) => d.groupId === g)).map((groupId) => ({ groupId }));
}
