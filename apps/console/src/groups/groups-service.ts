import { Inject, Injectable } from '@nestjs/common';
import type { GroupDescription, GroupTopicOffsets } from '@runnel/client';
import { ClusterClient } from '../cluster/cluster-client.js';
import { ConsoleRequestError } from '../console-errors.js';

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
  /** The partition's high watermark; null when the topic no longer exists (the group still holds its offsets). */
  readonly end: string | null;
  /** end - committed; null when nothing is committed or the end is unknown. */
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
  /** Default: every topic the group has committed offsets for that still exists. */
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
      Promise.all(ids.map((groupId) => admin.fetchOffsets({ groupId }))),
    ]);
    return described.map((group, i) => summarize(group, offsets[i]!));
  }

  async describe(groupId: string): Promise<GroupDetail> {
    const admin = await this.client.connectedAdmin();
    const [{ groups }, offsets] = await Promise.all([
      admin.describeGroups([groupId]),
      admin.fetchOffsets({ groupId }),
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
          end: p.logEndOffset < 0n ? null : p.logEndOffset.toString(),
          lag: p.lag === null ? null : Number(p.lag),
          memberId: owner.get(`${t.topic}/${p.partition}`) ?? null,
        })),
      ),
    };
  }

  /**
   * Moves the group, or with `dryRun` says where it would move it, through the admin's
   * `resetOffsets` (an offset outside a partition's [earliest, latest] goes to the nearer end, as
   * kafka-consumer-groups does). Refused (409) while the group has members: they would commit over
   * it. Without a topic: every topic the group committed offsets for that still exists.
   */
  async reset(groupId: string, request: ResetRequest): Promise<ResetPlan> {
    const admin = await this.client.connectedAdmin();
    const [{ groups }, committed] = await Promise.all([
      admin.describeGroups([groupId]),
      admin.fetchOffsets({ groupId }),
    ]);
    const group = groups[0]!;
    if (group.members.length > 0) {
      throw new ConsoleRequestError(
        409,
        `group '${groupId}' is ${group.state} with ${group.members.length} member(s); offsets can only be reset while it has none (stop its consumers first)`,
      );
    }
    const topics =
      request.topic === undefined
        ? committed.filter((t) => t.partitions.some((p) => p.logEndOffset >= 0n)).map((t) => t.topic)
        : [request.topic];
    if (topics.length === 0) {
      throw new ConsoleRequestError(
        400,
        `group '${groupId}' has no committed offsets: name the topic to reset`,
      );
    }
    const partitions: ResetPlan['partitions'][number][] = [];
    for (const topic of topics) {
      const reset = await admin.resetOffsets({
        groupId,
        topic,
        earliest: request.to === 'earliest',
        timestamp: request.to === 'timestamp' ? request.timestamp : undefined,
        offset: request.to === 'offset' ? request.offset : undefined,
        dryRun: request.dryRun,
      });
      for (const p of reset.partitions) {
        partitions.push({
          topic,
          partition: p.partition,
          current: p.currentOffset < 0n ? null : p.currentOffset.toString(),
          target: p.offset.toString(),
        });
      }
    }
    return { groupId, dryRun: request.dryRun, partitions };
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
