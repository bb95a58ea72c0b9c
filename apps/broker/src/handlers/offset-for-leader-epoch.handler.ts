import type { PartitionLog } from '@runnel/log-store';
import {
  ErrorCode,
  type InputOf,
  KafkaError,
  OffsetForLeaderEpoch,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { leadershipError } from '../topics/partition-leadership.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof OffsetForLeaderEpoch>;
type Response = InputOf<ResponseOf<typeof OffsetForLeaderEpoch>>;
type EpochEnd = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

/** A request from any client or broker: the epoch check below applies to both. */
const ANY_CLIENT = -1;

/**
 * OffsetForLeaderEpoch v0-4, answered by the partition's leader from its log's leader epochs
 * (PartitionLog.leaderEpochs, the `leader-epoch-checkpoint`): the largest epoch at or below the
 * one asked for and the offset where it ends, the log end offset for the latest (Kafka's
 * Partition.lastOffsetForLeaderEpoch on the leader). A log whose batches carry no epoch (a single
 * broker's, whose producers leave it at -1) has had one epoch, the partition's, since its start.
 *
 * Errors per partition: TOPIC_AUTHORIZATION_FAILED (no Describe on the topic, nor ClusterAction),
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH
 * (v2+ `currentLeaderEpoch`), KAFKA_STORAGE_ERROR.
 */
export class OffsetForLeaderEpochHandler implements ApiHandler<Request, Response> {
  readonly api = OffsetForLeaderEpoch;

  constructor(
    private readonly topics: TopicManager,
    private readonly authorizer: Authorizer,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    // As Kafka: ClusterAction on the cluster (a follower) may ask about every partition, others need Describe.
    const replica = this.authorizer.cluster(context, AclOperation.CLUSTER_ACTION);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, currentLeaderEpoch, leaderEpoch }) =>
          replica || this.authorizer.topic(context, AclOperation.DESCRIBE, topic)
            ? this.endOf(topic, partition, currentLeaderEpoch, leaderEpoch)
            : failed(partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
        ),
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      topics: (request?.topics ?? []).map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition }) => failed(partition, errorCode)),
      })),
    };
  }

  private endOf(topic: string, partition: number, currentLeaderEpoch: number, leaderEpoch: number): EpochEnd {
    try {
      const log = this.topics.partitionLog(topic, partition);
      if (!log) return failed(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const epoch = this.topics.leaderEpoch(topic, partition);
      const refusal = leadershipError(ANY_CLIENT, currentLeaderEpoch, epoch);
      if (refusal !== ErrorCode.NONE) return failed(partition, refusal);
      return { errorCode: ErrorCode.NONE, partition, ...epochEnd(log, leaderEpoch, epoch) };
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return failed(partition, err.code);
    }
  }
}

function epochEnd(log: PartitionLog, asked: number, partitionEpoch: number) {
  if (log.leaderEpochs.all.length > 0) {
    const { epoch, endOffset } = log.leaderEpochs.endOffsetFor(asked, log.logEndOffset);
    return { leaderEpoch: epoch, endOffset };
  }
  return asked >= partitionEpoch
    ? { leaderEpoch: partitionEpoch, endOffset: log.logEndOffset }
    : { leaderEpoch: -1, endOffset: -1n };
}

function failed(partition: number, errorCode: number): EpochEnd {
  return { errorCode, partition, leaderEpoch: -1, endOffset: -1n };
}
