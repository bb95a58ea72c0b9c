import {
  DeleteTopics,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { INTERNAL_TOPICS } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DeleteTopics>;
type Response = InputOf<ResponseOf<typeof DeleteTopics>>;

/**
 * DeleteTopics v0-3. Each named topic is removed from the broker's metadata and its logs are
 * deleted before the response is sent; a topic that does not exist gets
 * UNKNOWN_TOPIC_OR_PARTITION. Kafka's internal topics (`__consumer_offsets`) are refused with
 * INVALID_TOPIC_EXCEPTION, the code Kafka gives for deleting the records of one (Kafka's broker
 * leaves this refusal to its command-line tool; here no client may delete the group coordinator's
 * log). With `delete.topic.enable` off every topic gets TOPIC_DELETION_DISABLED (v3+) or, to
 * older clients that do not know that code, INVALID_REQUEST, as in Kafka. With `--authorizer acl`
 * a topic needs Delete on it, else TOPIC_AUTHORIZATION_FAILED.
 *
 * In a cluster (`cluster` given) a topic of the cluster is deleted from etcd, with every partition
 * state, in one fenced transaction (ClusterTopicAdmin.deleteTopic), and the response is sent once
 * this broker's Metadata no longer lists it and its own copy is deleted; every other broker
 * deletes its copy when its watch shows the deletion, or at its next start. A broker that lost
 * its registration answers NOT_CONTROLLER (retriable).
 */
export class DeleteTopicsHandler implements ApiHandler<Request, Response> {
  readonly api = DeleteTopics;

  constructor(
    private readonly topics: TopicManager,
    private readonly deleteTopicEnable: boolean,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterTopicAdmin,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.deleteTopicEnable) {
      const disabled = context.version >= 3 ? ErrorCode.TOPIC_DELETION_DISABLED : ErrorCode.INVALID_REQUEST;
      return this.errorResponse(request, disabled);
    }
    const results = new Map<string, number>();
    for (const name of request.topicNames) {
      if (results.has(name)) continue;
      const deletable = this.authorizer.topic(context, AclOperation.DELETE, name);
      results.set(name, deletable ? await this.delete(name) : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    }
    return {
      throttleTimeMs: 0,
      responses: request.topicNames.map((name) => ({ name, errorCode: results.get(name)! })),
    };
  }

  private async delete(name: string): Promise<number> {
    const cluster = this.cluster?.has(name) ? this.cluster : undefined;
    if (!cluster && !this.topics.topic(name)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (INTERNAL_TOPICS.has(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    try {
      if (cluster) await cluster.deleteTopic(name);
      else await this.topics.deleteTopic(name);
      return ErrorCode.NONE;
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return err.code;
    }
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      responses: (request?.topicNames ?? []).map((name) => ({ name, errorCode })),
    };
  }
}
