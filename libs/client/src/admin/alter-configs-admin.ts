import { IncrementalAlterConfigs } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';
import type { AdminContext } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';
import { ConfigResourceType } from './admin-types.js';

/** IncrementalAlterConfigs' operations (Kafka's `AlterConfigOp.OpType`), by the name the options use. */
const OPERATIONS = { set: 0, delete: 1, append: 2, subtract: 3 } as const;
export type ConfigOperation = keyof typeof OPERATIONS;

const RESOURCE_TYPES = { topic: ConfigResourceType.TOPIC, broker: ConfigResourceType.BROKER } as const;

export interface ConfigAlteration {
  name: string;
  /** The value to set, or to append or subtract (comma-separated items of a list config); none for `delete`. */
  value?: string | null;
  /** `set` (default), `delete` (back to the default), or `append` / `subtract` for list configs. */
  operation?: ConfigOperation;
}

export interface IncrementalAlterConfigsOptions {
  resources: {
    type: keyof typeof RESOURCE_TYPES | ConfigResourceType;
    /** A topic name, or a broker's node id as a string. */
    name: string;
    configs: ConfigAlteration[];
  }[];
  /** Check the alterations and answer as if made, but change nothing. Default false. */
  validateOnly?: boolean;
}

/**
 * IncrementalAlterConfigs (key 44): changes only the configs named, leaving the resource's other
 * configs as they are, unlike kafkajs's `alterConfigs` (AlterConfigs, key 33), which replaces the
 * whole set. A broker's configs go to that broker, a topic's to any broker. Resolves when every
 * resource was altered (or, with validateOnly, would be); otherwise throws a KafkaError per
 * resource, naming it, with the broker's message naming the config, value and limit
 * (INVALID_CONFIG), several as an AdminAggregateError.
 */
export async function incrementalAlterConfigs(
  context: AdminContext,
  options: IncrementalAlterConfigsOptions,
): Promise<{ resources: { resourceType: number; resourceName: string }[] }> {
  if (!Array.isArray(options?.resources) || options.resources.length === 0) {
    throw new RunnelError('incrementalAlterConfigs: resources must be a non-empty array');
  }
  const resources = options.resources.map(toRequestResource);
  const validateOnly = options.validateOnly ?? false;
  const answers = await Promise.all(
    resources.map((resource) =>
      withRetries(context.options, async () => {
        const connection = await connectionFor(context, resource.resourceType, resource.resourceName);
        return connection.request(IncrementalAlterConfigs, { resources: [resource], validateOnly });
      }),
    ),
  );
  const errors: Error[] = [];
  const altered: { resourceType: number; resourceName: string }[] = [];
  for (const r of answers.flatMap((answer) => answer.responses)) {
    const error = errorFor(r.errorCode, `${typeName(r.resourceType)} '${r.resourceName}'`, r.errorMessage);
    if (error === undefined) altered.push({ resourceType: r.resourceType, resourceName: r.resourceName });
    else errors.push(error);
  }
  throwCollected('incrementalAlterConfigs', errors);
  return { resources: altered };
}

function toRequestResource({ type, name, configs }: IncrementalAlterConfigsOptions['resources'][number]) {
  const resourceType = typeof type === 'string' ? RESOURCE_TYPES[type] : type;
  if (!Object.values(ConfigResourceType).includes(resourceType)) {
    throw new RunnelError(
      `incrementalAlterConfigs: resource type '${String(type)}' of '${name}' must be 'topic' or 'broker'`,
    );
  }
  if (!Array.isArray(configs) || configs.length === 0) {
    throw new RunnelError(`incrementalAlterConfigs: ${typeName(resourceType)} '${name}' names no configs`);
  }
  return {
    resourceType,
    resourceName: name,
    configs: configs.map(({ name: config, value = null, operation = 'set' }) => {
      const where = `incrementalAlterConfigs: config '${config}' of ${typeName(resourceType)} '${name}'`;
      if (!Object.hasOwn(OPERATIONS, operation)) {
        throw new RunnelError(
          `${where}: operation '${String(operation)}' must be one of ${Object.keys(OPERATIONS).join(', ')}`,
        );
      }
      if (operation !== 'delete' && typeof value !== 'string') {
        throw new RunnelError(
          `${where}: operation '${operation}' needs a string value, but it is ${String(value)}`,
        );
      }
      return {
        name: config,
        configOperation: OPERATIONS[operation],
        value: operation === 'delete' ? null : value,
      };
    }),
  };
}

function connectionFor(context: AdminContext, type: number, name: string) {
  if (type !== ConfigResourceType.BROKER && type !== ConfigResourceType.BROKER_LOGGER) {
    return context.cluster.anyConnection();
  }
  const nodeId = Number(name);
  if (!Number.isInteger(nodeId) || nodeId < 0) {
    throw new RunnelError(`incrementalAlterConfigs: broker resource name '${name}' must be a node id`);
  }
  return context.cluster.connection(nodeId);
}

function typeName(type: number): string {
  return type === ConfigResourceType.TOPIC
    ? 'topic'
    : type === ConfigResourceType.BROKER
      ? 'broker'
      : `resource type ${type}`;
}
