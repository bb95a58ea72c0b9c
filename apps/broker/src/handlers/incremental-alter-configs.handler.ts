import { IncrementalAlterConfigs, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';
import { alterConfigResource, answerAll, answerConfigResources } from './config-resource-alterations.js';

type Request = RequestOf<typeof IncrementalAlterConfigs>;
type Response = InputOf<ResponseOf<typeof IncrementalAlterConfigs>>;
type Resource = Request['resources'][number];

/**
 * IncrementalAlterConfigs v0-1 for topics (resource type 2): SET and DELETE of any topic config
 * this broker knows, APPEND and SUBTRACT of list configs (cleanup.policy), checked as CreateTopics
 * checks configs (see TopicManager.alterTopicConfigs), persisted in meta.json and applied to the
 * live partition logs; with `validateOnly` nothing changes. Each resource is answered on its own
 * (answerConfigResources): UNKNOWN_TOPIC_OR_PARTITION for a missing topic, INVALID_CONFIG for a
 * bad name or value, INVALID_REQUEST for a resource named twice, another broker's id, a broker
 * resource (this broker has no dynamically updatable broker configs) or another resource type.
 * With `--authorizer acl` a topic needs AlterConfigs on it (TOPIC_AUTHORIZATION_FAILED), a broker
 * AlterConfigs on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 *
 * In a cluster (`cluster` given) a topic of the cluster has its configs in its etcd key: they are
 * altered by one transaction compared against the key they were computed from
 * (ClusterTopicAdmin.alterTopicConfigs), and the response is sent once this broker's cache has
 * them; every broker gives them to its own logs of the topic when its watch shows them.
 */
export class IncrementalAlterConfigsHandler implements ApiHandler<Request, Response> {
  readonly api = IncrementalAlterConfigs;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterTopicAdmin,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const responses = await answerConfigResources(request.resources, context, this.authorizer, (resource) =>
      this.alter(resource, request.validateOnly),
    );
    return { throttleTimeMs: 0, responses };
  }

  private alter(resource: Resource, validateOnly: boolean): Promise<void> {
    return alterConfigResource(resource, this.config.nodeId, async (topic, configs) => {
      if (this.cluster?.has(topic)) await this.cluster.alterTopicConfigs(topic, configs, validateOnly);
      else this.topics.alterTopicConfigs(topic, configs, validateOnly);
    });
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, responses: answerAll(request?.resources, errorCode) };
  }
}
