import {
  CreatePartitions,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { errorMessageOf } from '../topics/topic-admin-error.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { namesGivenTwice } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof CreatePartitions>;
type Response = InputOf<ResponseOf<typeof CreatePartitions>>;
type TopicResult = NonNullable<Response['results']>[number];

/**
 * CreatePartitions v0-1. Each topic grows to its new `count` on its own: a count not above the
 * current one is INVALID_PARTITIONS, an unknown topic UNKNOWN_TOPIC_OR_PARTITION, assignments
 * that are not one list per new partition holding just this broker INVALID_REPLICA_ASSIGNMENT.
 * A topic named twice is INVALID_REQUEST for both entries, as Kafka does. `validateOnly` checks
 * without growing. With `--authorizer acl` a topic needs Alter on it, else
 * TOPIC_AUTHORIZATION_FAILED.
 *
 * In a cluster (`cluster` given) a topic of the cluster grows in etcd (ClusterTopicAdmin): the new
 * partitions placed as Kafka places them, over the live brokers (planNewPartitions: INVALID_PARTITIONS,
 * INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT for unknown brokers, a broker twice, a
 * replication factor other than partition 0's), written with their initial states in one fenced
 * transaction; the response is sent once this broker's Metadata lists them.
 */
export class CreatePartitionsHandler implements ApiHandler<Request, Response> {
  readonly api = CreatePartitions;

  constructor(
    private readonly topics: TopicManager,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterTopicAdmin,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const duplicates = namesGivenTwice(request.topics.map(({ name }) => name));
    const results = request.topics.map(async ({ name, count, assignments }): Promise<TopicResult> => {
      if (duplicates.has(name)) {
        return { name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' };
      }
      if (!this.authorizer.topic(context, AclOperation.ALTER, name)) {
        return { name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null };
      }
      try {
        const placed = assignments?.map((a) => a.brokerIds) ?? null;
        if (this.cluster?.has(name)) {
          await this.cluster.createPartitions(name, { count, assignments: placed }, request.validateOnly);
        } else {
          this.topics.createPartitions(name, count, placed, request.validateOnly);
        }
        return { name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { name, errorCode: err.code, errorMessage: errorMessageOf(err) };
      }
    });
    return { throttleTimeMs: 0, results: await Promise.all(results) };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      results: (request?.topics ?? []).map(({ name }) => ({ name, errorCode, errorMessage: null })),
    };
  }
}
