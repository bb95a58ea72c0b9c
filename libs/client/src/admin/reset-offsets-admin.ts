import { RunnelError } from '../errors/runnel-error.js';
import type { AdminContext } from './admin-context.js';
import { fetchOffsets, requireInactive, setOffsets } from './group-admin.js';
import {
  EARLIEST_TIMESTAMP,
  fetchTopicOffsetsByTimestamp,
  LATEST_TIMESTAMP,
  listOffsets,
  toOffset,
} from './offset-admin.js';

/** A partition the group committed no offset for. */
const NO_OFFSET = -1n;

export interface ResetOffsetsOptions {
  groupId: string;
  topic: string;
  /** To each partition's earliest offset (its log start). */
  earliest?: boolean;
  /** To the first offset whose record is at or after this time (ms); the latest where none is that recent. */
  timestamp?: number;
  /**
   * To this offset on every partition, moved to the nearer end where it is outside a partition's
   * [earliest, latest], as `kafka-consumer-groups --reset-offsets --to-offset` does.
   */
  offset?: bigint | number | string;
  /**
   * Work out the offsets and commit nothing, as `kafka-consumer-groups --reset-offsets --dry-run`
   * (default false: commit them). Refused, as a reset is, while the group has members.
   */
  dryRun?: boolean;
}

/** Where a reset moves (or, in a dry run, would move) a group on one partition. */
export interface PartitionOffsetReset {
  partition: number;
  /** The group's committed offset before the reset; -1n when it had none. */
  currentOffset: bigint;
  /** The offset the reset commits. */
  offset: bigint;
}

export interface GroupOffsetReset {
  topic: string;
  partitions: PartitionOffsetReset[];
}

/**
 * Moves a group without members on every partition of `topic` to the latest offsets (the default,
 * as kafkajs), the earliest, those of `timestamp`, or `offset`; with `dryRun`, only says where.
 * Resolves with every partition's committed offset before and the one after, by partition.
 */
export async function resetOffsets(
  context: AdminContext,
  options: ResetOffsetsOptions,
): Promise<GroupOffsetReset> {
  const { groupId, topic, dryRun = false } = options ?? {};
  if (typeof topic !== 'string' || topic === '') {
    throw new RunnelError(`resetOffsets: topic ${JSON.stringify(topic)} must be a non-empty string`);
  }
  const targets = [options.earliest === true, options.timestamp !== undefined, options.offset !== undefined];
  if (targets.filter(Boolean).length > 1) {
    throw new RunnelError('resetOffsets: give at most one of earliest, timestamp and offset');
  }
  const offset = options.offset === undefined ? undefined : toOffset('resetOffsets', options.offset);
  const [[committed], low, high] = await Promise.all([
    fetchOffsets(context, { groupId, topics: [topic] }),
    listOffsets(context, topic, EARLIEST_TIMESTAMP),
    listOffsets(context, topic, LATEST_TIMESTAMP),
  ]);
  const byTime =
    options.timestamp === undefined
      ? undefined
      : new Map(
          (await fetchTopicOffsetsByTimestamp(context, topic, options.timestamp)).map((p) => [
            p.partition,
            p.offset,
          ]),
        );
  const current = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
  const partitions = [...high.keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const earliest = low.get(partition)?.offset ?? 0n;
      const latest = high.get(partition)?.offset ?? earliest;
      const target = options.earliest
        ? earliest
        : byTime !== undefined
          ? (byTime.get(partition) ?? latest)
          : offset !== undefined
            ? offset < earliest
              ? earliest
              : offset > latest
                ? latest
                : offset
            : latest;
      const currentOffset = current.get(partition) ?? NO_OFFSET;
      return { partition, currentOffset, offset: target };
    });
  if (dryRun) await requireInactive(context, groupId, 'resetOffsets');
  else await setOffsets(context, { groupId, topic, partitions });
  return { topic, partitions };
}
