import { AlterConfigs, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';
import { alterConfigResource, answerAll, answerConfigResources } from './config-resource-alterations.js';

type Request = RequestOf<typeof AlterConfigs>;
type Response = InputOf<ResponseOf<typeof AlterConfigs>>;
type Resource = Request['resources'][number];

/**
 * AlterConfigs v0-2 (the legacy, non-incremental API kafkajs's `admin.alterConfigs` speaks) for
 * topics (resource type 2): the configs given REPLACE the topic's whole set of its own configs,
 * so a config it set before and is not named again returns to the broker's default, as in Kafka
 * (TopicManager.replaceTopicConfigs). Checked as CreateTopics checks configs: INVALID_CONFIG for
 * an unknown name (naming it) or a bad value; INVALID_REQUEST for a null value or a config named
 * twice. With `validateOnly` nothing changes. Every other answer is IncrementalAlterConfigs':
 * UNKNOWN_TOPIC_OR_PARTITION for a missing topic, INVALID_REQUEST for a resource named twice, a
 * broker resource or another resource type, and the same authorization (AlterConfigs on the
 * topic, or on the cluster for a broker).
 *
 * In a cluster a topic of the cluster has its configs replaced in its etcd key by one compared
 * transaction (ClusterTopicAdmin.replaceTopicConfigs), answered once this broker's cache has them.
 */
export class AlterConfigsHandler implements ApiHandler<Request, Response> {
  readonly api = AlterConfigs;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterTopicAdmin,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const responses = await answerConfigResources(request.resources, context, this.authorizer, (resource) =>
      this.replace(resource, request.validateOnly),
    );
    return { throttleTimeMs: 0, responses };
  }

  private replace(resource: Resource, validateOnly: boolean): Promise<void> {
    return alterConfigResource(resource, this.config.nodeId, async (topic, configs) => {
      if (this.cluster?.has(topic)) await this.cluster.replaceTopicConfigs(topic, configs, validateOnly);
      else this.topics.replaceTopicConfigs(topic, configs, validateOnly);
    });
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, responses: answerAll(request?.resources, errorCode) };
  }
}
