import type { PartitionLog } from '@runnel/log-store';
import {
  ErrorCode,
  type InputOf,
  KafkaError,
  ListOffsets,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { leadershipError } from '../topics/partition-leadership.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof ListOffsets>;
type Response = InputOf<ResponseOf<typeof ListOffsets>>;
type WantedPartition = Request['topics'][number]['partitions'][number];
type PartitionOffset = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

/** Request timestamps with a meaning of their own (ListOffsetsRequest.LATEST_TIMESTAMP, EARLIEST_TIMESTAMP). */
const LATEST_TIMESTAMP = -1n;
const EARLIEST_TIMESTAMP = -2n;

/**
 * ListOffsets v0-5. Per partition, the request's timestamp asks for:
 * - -2 (earliest): the log start offset;
 * - -1 (latest): the high watermark (also under READ_COMMITTED: with no transactions the last
 *   stable offset is the high watermark);
 * - any other value t: the first offset whose record timestamp is >= t, with that timestamp, or
 *   offset -1 and timestamp -1 when no record is that recent.
 * v1+ answer one offset with its timestamp (-1 for earliest and latest) and, from v4, the leader
 * epoch (TopicManager.leaderEpoch; -1 with no offset); v0 answers the old list form, [offset] (or
 * [] when nothing was found), whatever `maxNumOffsets` beyond 1 asks.
 *
 * Errors per partition: TOPIC_AUTHORIZATION_FAILED (no Describe on the topic), UNKNOWN_TOPIC_OR_PARTITION, KAFKA_STORAGE_ERROR, FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH (v4+ `currentLeaderEpoch`), NOT_LEADER_OR_FOLLOWER for a request from a
 * broker (`replicaId` >= 0: there are no followers), and INVALID_REQUEST for a partition named
 * twice (v1+), as Kafka answers each of them.
 */
export class ListOffsetsHandler implements ApiHandler<Request, Response> {
  readonly api = ListOffsets;

  constructor(
    private readonly topics: TopicManager,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const { version } = context;
    const duplicates = version >= 1 ? duplicatePartitions(request) : new Set<string>();
    const topics = await Promise.all(
      request.topics.map(async ({ name, partitions }) => ({
        name,
        partitions: await Promise.all(
          partitions.map((wanted) => {
            if (!this.authorizer.topic(context, AclOperation.DESCRIBE, name)) {
              return failed(wanted.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            }
            if (duplicates.has(partitionKey(name, wanted.partitionIndex))) {
              return failed(wanted.partitionIndex, ErrorCode.INVALID_REQUEST);
            }
            return this.lookup(name, wanted, request.replicaId, version);
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      topics: (request?.topics ?? []).map(({ name, partitions }) => ({
        name,
        partitions: partitions.map(({ partitionIndex }) => failed(partitionIndex, errorCode)),
      })),
    };
  }

  private async lookup(
    topic: string,
    wanted: WantedPartition,
    replicaId: number,
    version: number,
  ): Promise<PartitionOffset> {
    try {
      const log = this.topics.partitionLog(topic, wanted.partitionIndex);
      if (!log) return failed(wanted.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const leaderEpoch = this.topics.leaderEpoch(topic, wanted.partitionIndex);
      const refusal = leadershipError(replicaId, wanted.currentLeaderEpoch, leaderEpoch);
      if (refusal !== ErrorCode.NONE) return failed(wanted.partitionIndex, refusal);
      const found = await offsetFor(log, wanted.timestamp);
      if (version === 0) {
        return {
          partitionIndex: wanted.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: found && wanted.maxNumOffsets > 0 ? [found.offset] : [],
        };
      }
      return {
        partitionIndex: wanted.partitionIndex,
        errorCode: ErrorCode.NONE,
        timestamp: found?.timestamp ?? -1n,
        offset: found?.offset ?? -1n,
        leaderEpoch: found ? leaderEpoch : -1,
      };
    } catch (err) {
      // KAFKA_STORAGE_ERROR from a log that is offline or could not be opened.
      if (!(err instanceof KafkaError)) throw err;
      return failed(wanted.partitionIndex, err.code);
    }
  }
}

/** The offset a request timestamp asks for, with the record timestamp (-1 for earliest and latest); undefined when none. */
async function offsetFor(
  log: PartitionLog,
  timestamp: bigint,
): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
  if (timestamp === EARLIEST_TIMESTAMP) return { offset: log.earliestOffset(), timestamp: -1n };
  if (timestamp === LATEST_TIMESTAMP) return { offset: log.latestOffset(), timestamp: -1n };
  return log.offsetForTimestamp(timestamp);
}

/** A partition answered with an error: no offset, no timestamp, no epoch. */
function failed(partitionIndex: number, errorCode: number): PartitionOffset {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Partitions named more than once in the request (Kafka's ListOffsetsRequest.duplicatePartitions). */
function duplicatePartitions(request: Request): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { name, partitions } of request.topics) {
    for (const { partitionIndex } of partitions) {
      const key = partitionKey(name, partitionIndex);
      if (seen.has(key)) duplicates.add(key);
      seen.add(key);
    }
  }
  return duplicates;
}
