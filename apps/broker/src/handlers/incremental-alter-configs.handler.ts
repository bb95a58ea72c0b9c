import {
  ErrorCode,
  IncrementalAlterConfigs,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { errorMessageOf, TopicAdminError } from '../topics/topic-admin-error.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { checkTopicName } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof IncrementalAlterConfigs>;
type Response = InputOf<ResponseOf<typeof IncrementalAlterConfigs>>;
type Resource = Request['resources'][number];
type ResourceResponse = NonNullable<Response['responses']>[number];

/** ConfigResource.Type ids this broker answers for. */
const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/**
 * IncrementalAlterConfigs v0-1 for topics (resource type 2): SET and DELETE of any topic config
 * this broker knows, APPEND and SUBTRACT of list configs (cleanup.policy), checked as CreateTopics
 * checks configs (see TopicManager.alterTopicConfigs), persisted in meta.json and applied to the
 * live partition logs; with `validateOnly` nothing changes. Each resource is answered on its own:
 * UNKNOWN_TOPIC_OR_PARTITION for a missing topic, INVALID_CONFIG for a bad name or value,
 * INVALID_REQUEST for a resource named twice, another broker's id, a broker resource (this broker
 * has no dynamically updatable broker configs) or another resource type. With `--authorizer acl`
 * a topic needs AlterConfigs on it (TOPIC_AUTHORIZATION_FAILED), a broker AlterConfigs on the
 * cluster (CLUSTER_AUTHORIZATION_FAILED).
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
    const keys = request.resources.map((r) => `${r.resourceType}:${r.resourceName}`);
    const responses = request.resources.map(async (resource, i): Promise<ResourceResponse> => {
      const { resourceType, resourceName } = resource;
      const refusal = this.authorizer.configsRefusal(
        context,
        AclOperation.ALTER_CONFIGS,
        resourceType,
        resourceName,
      );
      if (refusal !== null) return { ...about(resource), errorCode: refusal, errorMessage: null };
      try {
        if (keys.indexOf(keys[i]!) !== keys.lastIndexOf(keys[i]!)) {
          throw new TopicAdminError(
            ErrorCode.INVALID_REQUEST,
            `Error due to duplicate resource: ${resource.resourceName} (type ${resource.resourceType}) is named more than once`,
          );
        }
        await this.alter(resource, request.validateOnly);
        return { ...about(resource), errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { ...about(resource), errorCode: err.code, errorMessage: errorMessageOf(err) };
      }
    });
    return { throttleTimeMs: 0, responses: await Promise.all(responses) };
  }

  private async alter(
    { resourceType, resourceName, configs }: Resource,
    validateOnly: boolean,
  ): Promise<void> {
    switch (resourceType) {
      case ResourceType.TOPIC:
        checkTopicName(resourceName);
        if (this.cluster?.has(resourceName)) {
          await this.cluster.alterTopicConfigs(resourceName, configs, validateOnly);
        } else {
          this.topics.alterTopicConfigs(resourceName, configs, validateOnly);
        }
        return;
      case ResourceType.BROKER:
        if (resourceName !== '' && resourceName !== String(this.config.nodeId)) {
          throw new TopicAdminError(
            ErrorCode.INVALID_REQUEST,
            `Unexpected broker id, expected ${this.config.nodeId} or empty string, but received ${resourceName}`,
          );
        }
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          `Cannot update these configs dynamically: ${configs.map((c) => c.name).join(',')} (this broker has no dynamic broker configs; set them in its configuration and restart it)`,
        );
      default:
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          `Unsupported resource type ${resourceType} for resource '${resourceName}'; this broker alters topic configs (2)`,
        );
    }
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      responses: (request?.resources ?? []).map((resource) => ({
        ...about(resource),
        errorCode,
        errorMessage: null,
      })),
    };
  }
}

function about({
  resourceType,
  resourceName,
}: Resource): Pick<ResourceResponse, 'resourceType' | 'resourceName'> {
  return { resourceType, resourceName };
}
