import { Inject, Injectable } from '@nestjs/common';
import {
  type Admin,
  type GroupDescription,
  type GroupTopicOffsets,
  TopicNotFoundError,
} from '@runnel/client';
import { ClusterClient } from '../cluster/cluster-client.js';
import { ConsoleRequestError } from '../console-errors.js';
import { clampOffset } from '../messages/read-plan.js';

export interface GroupSummary {
  readonly groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead. */
  readonly state: string;
  readonly members: number;
  readonly topics: readonly string[];
  /** Sum of the lag of every partition the group committed an offset for. */
  readonly totalLag: number;
  /** Partitions with lag above 0. */
  readonly partitionsBehind: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset; null when the group committed none for the partition. */
  readonly committed: string | null;
  /** The partition's high watermark. */
  readonly end: string;
  /** end - committed; null when nothing is committed. */
  readonly lag: number | null;
  /** The member assigned the partition, when one is. */
  readonly memberId: string | null;
}

export interface GroupDetail extends GroupSummary {
  readonly protocol: string;
  readonly memberList: readonly {
    memberId: string;
    clientId: string;
    clientHost: string;
    groupInstanceId: string | null;
    assignment: readonly { topic: string; partitions: readonly number[] }[];
  }[];
  readonly offsets: readonly PartitionLag[];
}

/** Where `--reset-offsets` moves a group, as kafka-consumer-groups names it. */
export type ResetTo = 'earliest' | 'latest' | 'timestamp' | 'offset';

export interface ResetRequest {
  /** Default: every topic the group has committed offsets for. */
  readonly topic?: string | undefined;
  readonly to: ResetTo;
  readonly timestamp?: number | undefined;
  readonly offset?: bigint | undefined;
  /** Only say what would change. */
  readonly dryRun: boolean;
}

export interface ResetPlan {
  readonly groupId: string;
  readonly dryRun: boolean;
  readonly partitions: readonly {
    topic: string;
    partition: number;
    current: string | null;
    target: string;
  }[];
}

function lagOf(offsets: readonly GroupTopicOffsets[]): { totalLag: number; partitionsBehind: number } {
  const lags = offsets.flatMap((t) => t.partitions.map((p) => Number(p.lag ?? 0n)));
  return { totalLag: lags.reduce((a, b) => a + b, 0), partitionsBehind: lags.filter((l) => l > 0).length };
}

/** Consumer groups, their lag, and offset resets, through the admin. */
@Injectable()
export class GroupsService {
  constructor(@Inject(ClusterClient) private readonly client: ClusterClient) {}

  async list(): Promise<GroupSummary[]> {
    const admin = await this.client.connectedAdmin();
    const { groups } = await admin.listGroups();
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.groupId).sort((a, b) => a.localeCompare(b));
    const [{ groups: described }, offsets] = await Promise.all([
      admin.describeGroups(ids),
      Promise.all(ids.map((groupId) => committedOffsets(admin, groupId))),
    ]);
    return described.map((group, i) => summarize(group, offsets[i]!));
  }

  async describe(groupId: string): Promise<GroupDetail> {
    const admin = await this.client.connectedAdmin();
    const [{ groups }, offsets] = await Promise.all([
      admin.describeGroups([groupId]),
      committedOffsets(admin, groupId),
    ]);
    const group = groups[0]!;
    if (group.state === 'Dead' && offsets.length === 0) {
      throw new ConsoleRequestError(404, `group '${groupId}' does not exist`);
    }
    const owner = new Map<string, string>();
    for (const m of group.members)
      for (const a of m.assignment ?? [])
        for (const p of a.partitions) owner.set(`${a.topic}/${p}`, m.memberId);
    return {
      ...summarize(group, offsets),
      protocol: group.protocol,
      memberList: group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        groupInstanceId: m.groupInstanceId,
        assignment: m.assignment ?? [],
      })),
      offsets: offsets.flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.topic,
          partition: p.partition,
          committed: p.offset < 0n ? null : p.offset.toString(),
          end: p.logEndOffset.toString(),
          lag: p.lag === null ? null : Number(p.lag),
          memberId: owner.get(`${t.topic}/${p.partition}`) ?? null,
        })),
      ),
    };
  }

  /**
   * Works out, and unless `dryRun` commits, the offsets a reset moves the group to. Refused (409)
   * while the group has members: they would commit over it. An offset outside a partition's
   * [earliest, latest] is moved to the nearer end, as kafka-consumer-groups does.
   */
  async reset(groupId: string, request: ResetRequest): Promise<ResetPlan> {
    const admin = await this.client.connectedAdmin();
    const [{ groups }, committed] = await Promise.all([
      admin.describeGroups([groupId]),
      committedOffsets(admin, groupId),
    ]);
    const group = groups[0]!;
    if (group.members.length > 0) {
      throw new ConsoleRequestError(
        409,
        `group '${groupId}' is ${group.state} with ${group.members.length} member(s); offsets can only be reset while it has none (stop its consumers first)`,
      );
    }
    const topics = request.topic === undefined ? committed.map((t) => t.topic) : [request.topic];
    if (topics.length === 0) {
      throw new ConsoleRequestError(
        400,
        `group '${groupId}' has no committed offsets: name the topic to reset`,
      );
    }
    const current = new Map(
      committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}/${p.partition}`, p.offset] as const)),
    );
    const partitions: ResetPlan['partitions'][number][] = [];
    for (const topic of topics) {
      const ranges = await admin.fetchTopicOffsets(topic);
      const byTime =
        request.to === 'timestamp'
          ? new Map(
              (await admin.fetchTopicOffsetsByTimestamp(topic, request.timestamp)).map((p) => [
                p.partition,
                p.offset,
              ]),
            )
          : undefined;
      for (const { partition, low, high } of ranges.sort((a, b) => a.partition - b.partition)) {
        let target =
          request.to === 'earliest'
            ? low
            : request.to === 'latest'
              ? high
              : request.to === 'timestamp'
                ? (byTime!.get(partition) ?? high)
                : request.offset!;
        target = clampOffset(target, low, high);
        const now = current.get(`${topic}/${partition}`);
        partitions.push({
          topic,
          partition,
          current: now === undefined || now < 0n ? null : now.toString(),
          target: target.toString(),
        });
      }
    }
    if (!request.dryRun) {
      for (const topic of topics) {
        await admin.setOffsets({
          groupId,
          topic,
          partitions: partitions
            .filter((p) => p.topic === topic)
            .map((p) => ({ partition: p.partition, offset: p.target })),
        });
      }
    }
    return { groupId, dryRun: request.dryRun, partitions };
  }
}

/**
 * What the group committed, with lag. A group keeps the offsets of a topic deleted since (until
 * `offsets.retention.minutes`), and the admin's fetchOffsets then fails as a whole, asking for the
 * deleted topic's end offsets; so on that failure the console asks again for the topics that
 * exist, and keeps the partitions with a commit.
 */
async function committedOffsets(admin: Admin, groupId: string): Promise<GroupTopicOffsets[]> {
  try {
    return await admin.fetchOffsets({ groupId });
  } catch (error) {
    const unknownTopic =
      error instanceof TopicNotFoundError ||
      (error as { errorName?: unknown }).errorName === 'UNKNOWN_TOPIC_OR_PARTITION';
    if (!unknownTopic) throw error;
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    if (topics.length === 0) return [];
    const offsets = await admin.fetchOffsets({ groupId, topics });
    return offsets
      .map((t) => ({ topic: t.topic, partitions: t.partitions.filter((p) => p.offset >= 0n) }))
      .filter((t) => t.partitions.length > 0);
  }
}

function summarize(group: GroupDescription, offsets: readonly GroupTopicOffsets[]): GroupSummary {
  const topics = new Set(offsets.map((t) => t.topic));
  for (const m of group.members) for (const a of m.assignment ?? []) topics.add(a.topic);
  return {
    groupId: group.groupId,
    state: group.state,
    members: group.members.length,
    topics: [...topics].sort(),
    ...lagOf(offsets),
  };
}
