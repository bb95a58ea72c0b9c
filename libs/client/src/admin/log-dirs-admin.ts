import { DescribeLogDirs, type KafkaError } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';
import type { AdminContext } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';

/** A partition's replica in a log directory (Java's `ReplicaInfo`). */
export interface LogDirReplica {
  partition: number;
  /** Bytes of the partition's log segments in this directory. */
  size: bigint;
  /** How far this replica's log end is behind the high watermark (or, for a future replica, the current one's end). */
  offsetLag: bigint;
  /** Whether this is a future replica, being moved here by AlterReplicaLogDirs. */
  isFuture: boolean;
}

/** One log directory of a broker (Java's `LogDirDescription`). */
export interface LogDirDescription {
  /** The directory's absolute path on the broker. */
  path: string;
  /** Why the directory cannot be described (KAFKA_STORAGE_ERROR for an offline directory), or null. */
  error: KafkaError | null;
  topics: { topic: string; partitions: LogDirReplica[] }[];
  /** Size of the volume the directory is on; null when the broker does not say (DescribeLogDirs below v4). */
  totalBytes: bigint | null;
  /** Bytes still usable on that volume; null when the broker does not say. */
  usableBytes: bigint | null;
}

export interface BrokerLogDirs {
  nodeId: number;
  logDirs: LogDirDescription[];
}

/** What a broker below DescribeLogDirs v4 answers for the volume's bytes. */
const UNKNOWN_BYTES = -1n;

/**
 * Java's `Admin.describeLogDirs(brokers)`: every log directory of each broker (default every
 * broker of the cluster) with the partitions in it and their size, sorted by node id. A broker's
 * failure (it does not serve DescribeLogDirs, or cannot be reached) fails the call, naming the
 * broker; an offline directory is not a failure but a description with its `error`.
 */
export async function describeLogDirs(
  context: AdminContext,
  options?: { brokers?: number[] },
): Promise<{ brokers: BrokerLogDirs[] }> {
  await context.cluster.refreshMetadata([]);
  const known = context.cluster.brokers().map((b) => b.nodeId);
  const asked = options?.brokers ?? known;
  if (!Array.isArray(asked) || asked.some((id) => !known.includes(id))) {
    throw new RunnelError(
      `describeLogDirs: brokers ${JSON.stringify(asked)} must be node ids of the cluster (${known.join(', ')})`,
    );
  }
  const errors: Error[] = [];
  const described = await Promise.all(
    [...new Set(asked)]
      .sort((a, b) => a - b)
      .map(async (nodeId): Promise<BrokerLogDirs[]> => {
        try {
          return [{ nodeId, logDirs: await describeBroker(context, nodeId) }];
        } catch (err) {
          errors.push(err as Error);
          return [];
        }
      }),
  );
  throwCollected('describeLogDirs', errors);
  return { brokers: described.flat() };
}

async function describeBroker(context: AdminContext, nodeId: number): Promise<LogDirDescription[]> {
  const answer = await withRetries(context.options, async () => {
    const connection = await context.cluster.connection(nodeId);
    const response = await connection.request(DescribeLogDirs, { topics: null });
    const error = errorFor(response.errorCode, `broker ${nodeId} DescribeLogDirs`);
    if (error !== undefined) throw error;
    return response;
  });
  return answer.results.map((dir) => ({
    path: dir.logDir,
    error: errorFor(dir.errorCode, `broker ${nodeId} log dir '${dir.logDir}'`) ?? null,
    topics: dir.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          size: p.partitionSize,
          offsetLag: p.offsetLag,
          isFuture: p.isFutureKey,
        }))
        .sort((a, b) => a.partition - b.partition),
    })),
    totalBytes: dir.totalBytes === UNKNOWN_BYTES ? null : dir.totalBytes,
    usableBytes: dir.usableBytes === UNKNOWN_BYTES ? null : dir.usableBytes,
  }));
}
