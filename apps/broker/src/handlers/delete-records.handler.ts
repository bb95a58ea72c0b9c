import {
  DeleteRecords,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DeleteRecords>;
type Response = InputOf<ResponseOf<typeof DeleteRecords>>;
type PartitionResult = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

/** The low watermark a failed partition reports, as Kafka. */
const NO_LOW_WATERMARK = -1n;

/**
 * DeleteRecords v0-1. For each partition, the records before `offset` (-1: the high watermark)
 * are deleted and `lowWatermark` is the partition's new log start offset. Per partition: an
 * unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION, an offset above the high watermark
 * OFFSET_OUT_OF_RANGE, a compact-only topic POLICY_VIOLATION, a partition of an internal topic
 * INVALID_TOPIC_EXCEPTION, an offline one KAFKA_STORAGE_ERROR, one of a topic the principal may
 * not Delete TOPIC_AUTHORIZATION_FAILED (`--authorizer acl`); each with lowWatermark -1. There
 * are no followers to wait for, so `timeoutMs` is not waited on.
 */
export class DeleteRecordsHandler implements ApiHandler<Request, Response> {
  readonly api = DeleteRecords;

  constructor(
    private readonly topics: TopicManager,
    private readonly authorizer: Authorizer,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map(({ partitionIndex, offset }): PartitionResult => {
          if (!this.authorizer.topic(context, AclOperation.DELETE, name)) {
            return failed(partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          }
          if (this.topics.topic(name)?.internal)
            return failed(partitionIndex, ErrorCode.INVALID_TOPIC_EXCEPTION);
          try {
            const lowWatermark = this.topics.deleteRecordsBefore(name, partitionIndex, offset);
            return { partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
          } catch (err) {
            if (!(err instanceof KafkaError)) throw err;
            return failed(partitionIndex, err.code);
          }
        }),
      })),
    };
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
}

function failed(partitionIndex: number, errorCode: number): PartitionResult {
  return { partitionIndex, lowWatermark: NO_LOW_WATERMARK, errorCode };
}
