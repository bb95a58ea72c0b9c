import {
  DescribeConfigs,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ClusterTopicAdmin } from '../cluster/cluster-topic-admin.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import {
  ConfigSource,
  type DescribedConfig,
  describeBrokerConfigs,
  describeTopicConfigs,
} from '../topics/config-descriptions.js';
import { errorMessageOf, TopicAdminError } from '../topics/topic-admin-error.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { checkTopicName } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DescribeConfigs>;
type Response = InputOf<ResponseOf<typeof DescribeConfigs>>;
type Resource = Request['resources'][number];
type ResourceResult = NonNullable<Response['results']>[number];
type ConfigEntry = NonNullable<ResourceResult['configs']>[number];

/** ConfigResource.Type ids this broker describes. */
const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/**
 * DescribeConfigs v0-2 for topics (resource type 2) and this broker (4, named by its node id; an
 * empty name is the cluster-wide dynamic defaults, of which there are none here). Each resource is
 * answered on its own: an unknown topic is UNKNOWN_TOPIC_OR_PARTITION, a bad topic name
 * INVALID_TOPIC_EXCEPTION, another broker's id or another resource type INVALID_REQUEST.
 * `configurationKeys` (null: all) picks configs by name. v0 says `isDefault` (the resource does
 * not set the config itself); v1+ says `configSource` and, when `includeSynonyms`, lists the
 * synonyms (see config-descriptions.ts). Nothing here is sensitive. With `--authorizer acl` a
 * topic needs DescribeConfigs on it (TOPIC_AUTHORIZATION_FAILED), a broker DescribeConfigs on the
 * cluster (CLUSTER_AUTHORIZATION_FAILED).
 *
 * In a cluster (`cluster` given) a topic of the cluster is described with the configs of its etcd
 * key as this broker's cache has them, so every broker answers the cluster's configs.
 */
export class DescribeConfigsHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeConfigs;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterTopicAdmin,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    const { version } = context;
    return {
      throttleTimeMs: 0,
      results: request.resources.map((resource): ResourceResult => {
        const { resourceType, resourceName } = resource;
        const refusal = this.authorizer.configsRefusal(
          context,
          AclOperation.DESCRIBE_CONFIGS,
          resourceType,
          resourceName,
        );
        if (refusal !== null)
          return { ...about(resource), errorCode: refusal, errorMessage: null, configs: [] };
        try {
          const configs = this.describe(resource)
            .filter(({ name }) => resource.configurationKeys?.includes(name) ?? true)
            .map((described) => entry(resource, described, version > 0 && request.includeSynonyms));
          return { ...about(resource), errorCode: ErrorCode.NONE, errorMessage: null, configs };
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return { ...about(resource), errorCode: err.code, errorMessage: errorMessageOf(err), configs: [] };
        }
      }),
    };
  }

  private describe({ resourceType, resourceName }: Resource): DescribedConfig[] {
    switch (resourceType) {
      case ResourceType.TOPIC: {
        checkTopicName(resourceName);
        const configs = this.cluster?.configsOf(resourceName) ?? this.topics.topic(resourceName)?.configs;
        if (!configs) {
          throw new TopicAdminError(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `Topic '${resourceName}' does not exist.`,
          );
        }
        return describeTopicConfigs(this.config, configs);
      }
      case ResourceType.BROKER:
        if (resourceName === '') return [];
        if (!/^-?\d+$/.test(resourceName)) {
          throw new TopicAdminError(
            ErrorCode.INVALID_REQUEST,
            `Broker id must be an integer, but it is: ${resourceName}`,
          );
        }
        if (Number(resourceName) !== this.config.nodeId) {
          throw new TopicAdminError(
            ErrorCode.INVALID_REQUEST,
            `Unexpected broker id, expected ${this.config.nodeId} or empty string, but received ${resourceName}`,
          );
        }
        return describeBrokerConfigs(this.config);
      default:
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          `Unsupported resource type ${resourceType} for resource '${resourceName}'; this broker describes topics (2) and brokers (4)`,
        );
    }
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      results: (request?.resources ?? []).map((resource) => ({
        ...about(resource),
        errorCode,
        errorMessage: null,
        configs: [],
      })),
    };
  }
}

function about({
  resourceType,
  resourceName,
}: Resource): Pick<ResourceResult, 'resourceType' | 'resourceName'> {
  return { resourceType, resourceName };
}

function entry(resource: Resource, described: DescribedConfig, withSynonyms: boolean): ConfigEntry {
  const ownSource =
    resource.resourceType === ResourceType.TOPIC
      ? ConfigSource.DYNAMIC_TOPIC_CONFIG
      : ConfigSource.STATIC_BROKER_CONFIG;
  return {
    name: described.name,
    value: described.value,
    readOnly: described.readOnly,
    isDefault: described.source !== ownSource,
    configSource: described.source,
    isSensitive: false,
    synonyms: withSynonyms ? [...described.synonyms] : [],
  };
}
