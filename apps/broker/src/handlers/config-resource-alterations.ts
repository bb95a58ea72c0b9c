import { ErrorCode, KafkaError } from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { errorMessageOf, TopicAdminError } from '../topics/topic-admin-error.js';
import { checkTopicName } from '../topics/topic-validation.js';
import type { RequestContext } from './api-handler.js';

/** ConfigResource.Type ids the config-altering APIs answer for (as in DescribeConfigs). */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const;

interface ConfigResource {
  readonly resourceType: number;
  readonly resourceName: string;
}

/** One resource's answer, as AlterConfigs and IncrementalAlterConfigs responses both carry it. */
export interface ConfigResourceAnswer {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/**
 * Answers each resource of an AlterConfigs or IncrementalAlterConfigs request on its own, all at
 * once: with `--authorizer acl` a topic needs AlterConfigs on it (TOPIC_AUTHORIZATION_FAILED), a
 * broker AlterConfigs on the cluster (CLUSTER_AUTHORIZATION_FAILED); a resource named twice is
 * INVALID_REQUEST; otherwise `alter` decides, and a KafkaError it throws becomes the resource's
 * code and message (any other error is a bug and propagates).
 */
export async function answerConfigResources<R extends ConfigResource>(
  resources: readonly R[],
  context: RequestContext,
  authorizer: Authorizer,
  alter: (resource: R) => Promise<void>,
): Promise<ConfigResourceAnswer[]> {
  const keys = resources.map((r) => `${r.resourceType}:${r.resourceName}`);
  const answers = resources.map(async (resource, i): Promise<ConfigResourceAnswer> => {
    const about = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    const refusal = authorizer.configsRefusal(
      context,
      AclOperation.ALTER_CONFIGS,
      resource.resourceType,
      resource.resourceName,
    );
    if (refusal !== null) return { ...about, errorCode: refusal, errorMessage: null };
    try {
      if (keys.indexOf(keys[i]!) !== keys.lastIndexOf(keys[i]!)) {
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          `Error due to duplicate resource: ${resource.resourceName} (type ${resource.resourceType}) is named more than once`,
        );
      }
      await alter(resource);
      return { ...about, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return { ...about, errorCode: err.code, errorMessage: errorMessageOf(err) };
    }
  });
  return Promise.all(answers);
}

/**
 * One resource of an AlterConfigs or IncrementalAlterConfigs request: a topic (type 2, its name
 * checked) is handed to `alterTopic` with its configs, a broker (type 4) is refused
 * (refuseBrokerConfigs), any other type is INVALID_REQUEST. The two APIs differ only in what
 * `alterTopic` does with the configs: replace the topic's set, or change it entry by entry.
 */
export async function alterConfigResource<C extends { readonly name: string }>(
  { resourceType, resourceName, configs }: ConfigResource & { readonly configs: readonly C[] },
  nodeId: number,
  alterTopic: (topic: string, configs: readonly C[]) => Promise<void>,
): Promise<void> {
  switch (resourceType) {
    case ConfigResourceType.TOPIC:
      checkTopicName(resourceName);
      return alterTopic(resourceName, configs);
    case ConfigResourceType.BROKER:
      return refuseBrokerConfigs(
        resourceName,
        configs.map((c) => c.name),
        nodeId,
      );
    default:
      throw unsupportedResourceType({ resourceType, resourceName });
  }
}

/**
 * A broker resource (type 4): this broker has no dynamically updatable broker configs, so it is
 * INVALID_REQUEST naming the configs, or naming the id when it is another broker's.
 */
export function refuseBrokerConfigs(
  resourceName: string,
  configNames: readonly string[],
  nodeId: number,
): never {
  if (resourceName !== '' && resourceName !== String(nodeId)) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`,
    );
  }
  throw new TopicAdminError(
    ErrorCode.INVALID_REQUEST,
    `Cannot update these configs dynamically: ${configNames.join(',')} (this broker has no dynamic broker configs; set them in its configuration and restart it)`,
  );
}

/** INVALID_REQUEST for a resource type other than a topic or a broker. */
export function unsupportedResourceType({ resourceType, resourceName }: ConfigResource): TopicAdminError {
  return new TopicAdminError(
    ErrorCode.INVALID_REQUEST,
    `Unsupported resource type ${resourceType} for resource '${resourceName}'; this broker alters topic configs (2)`,
  );
}

/** Every resource answered with `errorCode` (a request that failed as a whole). */
export function answerAll(
  resources: readonly ConfigResource[] | undefined,
  errorCode: number,
): ConfigResourceAnswer[] {
  return (resources ?? []).map(({ resourceType, resourceName }) => ({
    resourceType,
    resourceName,
    errorCode,
    errorMessage: null,
  }));
}
