import { DescribeConfigs } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';
import type { AdminContext } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';
import {
  type ConfigEntry,
  type ConfigResourceDescription,
  type ConfigResourceQuery,
  ConfigResourceType,
  ConfigSource,
} from './admin-types.js';

export interface DescribeConfigsOptions {
  resources: ConfigResourceQuery[];
  /** Also list where else each value is set (DescribeConfigs v1+). Default false. */
  includeSynonyms?: boolean;
}

/**
 * Configs of topics and brokers, in kafkajs's shape. A broker's own configs are asked of that
 * broker (only it knows them); topic configs of any broker. Each resource's error names it.
 */
export async function describeConfigs(
  context: AdminContext,
  options: DescribeConfigsOptions,
): Promise<{ resources: ConfigResourceDescription[] }> {
  if (!Array.isArray(options?.resources) || options.resources.length === 0) {
    throw new RunnelError('describeConfigs: resources must be a non-empty array');
  }
  const includeSynonyms = options.includeSynonyms ?? false;
  const answers = await Promise.all(
    options.resources.map((resource) =>
      withRetries(context.options, async () => {
        const connection = await connectionFor(context, resource);
        const answer = await connection.request(DescribeConfigs, {
          resources: [
            {
              resourceType: resource.type,
              resourceName: resource.name,
              configurationKeys: resource.configNames ?? null,
            },
          ],
          includeSynonyms,
        });
        return { answer, version: connection.versionFor(DescribeConfigs) };
      }),
    ),
  );
  const errors: Error[] = [];
  const resources: ConfigResourceDescription[] = [];
  for (const { answer, version } of answers) {
    for (const r of answer.results) {
      const error = errorFor(
        r.errorCode,
        `${resourceName(r.resourceType)} '${r.resourceName}'`,
        r.errorMessage,
      );
      if (error !== undefined) {
        errors.push(error);
        continue;
      }
      resources.push({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configEntries: r.configs.map(
          (c): ConfigEntry => ({
            configName: c.name,
            configValue: c.value,
            readOnly: c.readOnly,
            // v0 says isDefault; v1+ gives the source, and a default is DEFAULT_CONFIG.
            isDefault: version === 0 ? c.isDefault : c.configSource === ConfigSource.DEFAULT_CONFIG,
            configSource: version === 0 ? v0Source(r.resourceType, c.isDefault) : c.configSource,
            isSensitive: c.isSensitive,
            configSynonyms: c.synonyms.map((s) => ({
              configName: s.name,
              configValue: s.value,
              configSource: s.source,
            })),
          }),
        ),
      });
    }
  }
  throwCollected('describeConfigs', errors);
  return { resources };
}

function connectionFor(context: AdminContext, resource: ConfigResourceQuery) {
  if (resource.type !== ConfigResourceType.BROKER && resource.type !== ConfigResourceType.BROKER_LOGGER) {
    return context.cluster.anyConnection();
  }
  const nodeId = Number(resource.name);
  if (!Number.isInteger(nodeId) || nodeId < 0) {
    throw new RunnelError(`describeConfigs: broker resource name '${resource.name}' must be a node id`);
  }
  return context.cluster.connection(nodeId);
}

function resourceName(type: number): string {
  return type === ConfigResourceType.TOPIC
    ? 'topic'
    : type === ConfigResourceType.BROKER
      ? 'broker'
      : `resource type ${type}`;
}

/** v0 has only isDefault: a value that is not the default was set on the topic or the broker. */
function v0Source(type: number, isDefault: boolean): number {
  if (isDefault) return ConfigSource.DEFAULT_CONFIG;
  return type === ConfigResourceType.TOPIC ? ConfigSource.TOPIC_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
}
