import { DeleteRecords, ErrorCode, KafkaError, ListOffsets } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';
import { type AdminContext, groupBy, requireTopic } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';
import type { PartitionOffset, PartitionOffsets } from './admin-types.js';

/** ListOffsets' special timestamps: the log start offset, and the high watermark. */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

/** ListOffsets isolation level read_uncommitted: "latest" is the high watermark, as Java's admin reads it. */
const READ_UNCOMMITTED = 0;

/**
 * Partition offsets of `topic` for a timestamp (EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, or
 * milliseconds: the first offset whose record is at or after it, -1n when none is), asked of each
 * partition's leader, all leaders at once. Leader errors refresh metadata and try again.
 */
export async function listOffsets(
  context: AdminContext,
  topic: string,
  timestamp: bigint,
  partitions?: readonly number[],
): Promise<Map<number, { offset: bigint; timestamp: bigint }>> {
  return withRetries(
    context.options,
    async () => {
      const metadata = await context.cluster.metadata([topic], { allowAutoTopicCreation: false });
      const wanted = partitions ?? requireTopic(metadata, topic).partitions.map((p) => p.partition);
      const byLeader = groupBy(wanted, (p) => context.cluster.leaderFor(topic, p) ?? -1);
      const leaderless = byLeader.get(-1);
      if (leaderless !== undefined) {
        throw KafkaError.fromCode(ErrorCode.LEADER_NOT_AVAILABLE, {
          context: describeTopicPartition(topic, leaderless[0] as number),
        });
      }
      const answers = await Promise.all(
        [...byLeader].map(async ([leader, ps]) => {
          const connection = await context.cluster.connection(leader);
          return connection.request(ListOffsets, {
            replicaId: -1,
            isolationLevel: READ_UNCOMMITTED,
            topics: [
              { name: topic, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) },
            ],
          });
        }),
      );
      const offsets = new Map<number, { offset: bigint; timestamp: bigint }>();
      const errors: Error[] = [];
      for (const answer of answers) {
        for (const p of answer.topics.flatMap((t) => t.partitions)) {
          const error = errorFor(p.errorCode, describeTopicPartition(topic, p.partitionIndex));
          if (error !== undefined) errors.push(error);
          else offsets.set(p.partitionIndex, { offset: p.offset, timestamp: p.timestamp });
        }
      }
      throwCollected('listOffsets', errors);
      return offsets;
    },
    () => context.cluster.refreshMetadata([topic], { allowAutoTopicCreation: false }),
  );
}

/** Each partition's high watermark (`offset` and `high`) and log start offset (`low`), by partition. */
export async function fetchTopicOffsets(context: AdminContext, topic: string): Promise<PartitionOffsets[]> {
  const [low, high] = await Promise.all([
    listOffsets(context, topic, EARLIEST_TIMESTAMP),
    listOffsets(context, topic, LATEST_TIMESTAMP),
  ]);
  return [...high.keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const end = high.get(partition)?.offset ?? -1n;
      return { partition, offset: end, high: end, low: low.get(partition)?.offset ?? -1n };
    });
}

/**
 * Per partition, the first offset whose record's timestamp is at or after `timestamp` (ms); the
 * high watermark when no record is that recent (or when no timestamp is given), so a consumer
 * positioned there reads exactly the records from that time on.
 */
export async function fetchTopicOffsetsByTimestamp(
  context: AdminContext,
  topic: string,
  timestamp?: number,
): Promise<PartitionOffset[]> {
  const high = await listOffsets(context, topic, LATEST_TIMESTAMP);
  if (timestamp === undefined) {
    return [...high].sort(([a], [b]) => a - b).map(([partition, { offset }]) => ({ partition, offset }));
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RunnelError(
      `fetchTopicOffsetsByTimestamp: timestamp ${timestamp} must be milliseconds since the epoch (>= 0)`,
    );
  }
  const found = await listOffsets(context, topic, BigInt(timestamp));
  return [...high.keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const at = found.get(partition)?.offset ?? -1n;
      return { partition, offset: at < 0n ? (high.get(partition)?.offset ?? -1n) : at };
    });
}

export interface DeleteRecordsOptions {
  topic: string;
  /** Records before `offset` go; -1n deletes up to the high watermark (everything). */
  partitions: { partition: number; offset: bigint | number | string }[];
  timeoutMs?: number;
}

/** Deletes the records before an offset on each partition (moves its log start offset); resolves with the new low watermarks. */
export async function deleteRecords(
  context: AdminContext,
  options: DeleteRecordsOptions,
): Promise<PartitionOffset[]> {
  const { topic } = options ?? {};
  if (typeof topic !== 'string' || !Array.isArray(options.partitions) || options.partitions.length === 0) {
    throw new RunnelError('deleteRecords: needs a topic and a non-empty partitions array');
  }
  const wanted = options.partitions.map((p) => ({
    partition: p.partition,
    offset: toOffset('deleteRecords', p.offset),
  }));
  return withRetries(
    context.options,
    async () => {
      const metadata = await context.cluster.metadata([topic], { allowAutoTopicCreation: false });
      requireTopic(metadata, topic);
      const byLeader = groupBy(wanted, (p) => context.cluster.leaderFor(topic, p.partition) ?? -1);
      const unknown = byLeader.get(-1);
      if (unknown !== undefined) {
        throw KafkaError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
          context: describeTopicPartition(topic, unknown[0]?.partition as number),
        });
      }
      const answers = await Promise.all(
        [...byLeader].map(async ([leader, ps]) => {
          const connection = await context.cluster.connection(leader);
          return connection.request(DeleteRecords, {
            topics: [
              { name: topic, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) },
            ],
            timeoutMs: options.timeoutMs ?? context.options.timeoutMs,
          });
        }),
      );
      const errors: Error[] = [];
      const results: PartitionOffset[] = [];
      for (const p of answers.flatMap((a) => a.topics.flatMap((t) => t.partitions))) {
        const asked = wanted.find((w) => w.partition === p.partitionIndex)?.offset;
        const error = errorFor(
          p.errorCode,
          `${describeTopicPartition(topic, p.partitionIndex)} offset ${asked}`,
        );
        if (error !== undefined) errors.push(error);
        else results.push({ partition: p.partitionIndex, offset: p.lowWatermark });
      }
      throwCollected('deleteRecords', errors);
      return results.sort((a, b) => a.partition - b.partition);
    },
    () => context.cluster.refreshMetadata([topic], { allowAutoTopicCreation: false }),
  );
}

/** An offset given as bigint, safe integer or decimal string (kafkajs passes strings), as a bigint. */
export function toOffset(operation: string, value: bigint | number | string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new RunnelError(`${operation}: offset ${JSON.stringify(String(value))} is not an integer`);
}
