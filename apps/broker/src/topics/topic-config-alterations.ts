import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { TopicAdminError } from './topic-admin-error.js';
import {
  effectiveTopicConfigs,
  InvalidConfigError,
  topicConfigType,
  validateTopicConfigs,
} from './topic-configs.js';

/** IncrementalAlterConfigs' `config_operation` (Kafka's AlterConfigOp.OpType). */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigAlteration {
  readonly name: string;
  readonly configOperation: number;
  readonly value: string | null;
}

/**
 * The configs a topic sets once `alterations` are applied to `current` (its own configs), not yet
 * validated (validateTopicConfigs does that, with CreateTopics' rules). SET sets the value, DELETE
 * drops the topic's own value so the broker default applies again, APPEND and SUBTRACT add or
 * remove items of a list config (starting from the value in effect), as Kafka's
 * ConfigAdminManager does. Throws TopicAdminError: INVALID_REQUEST for a config named twice or an
 * unknown operation, INVALID_CONFIG for an unknown config name or APPEND/SUBTRACT on a config
 * that is not a list.
 */
export function applyConfigAlterations(
  config: BrokerConfig,
  current: Readonly<Record<string, string>>,
  alterations: readonly ConfigAlteration[],
): Record<string, string | null> {
  refuseDuplicateNames(alterations);
  const next: Record<string, string | null> = { ...current };
  const effective = new Map(effectiveTopicConfigs(config, current).map((c) => [c.name, c.value]));
  for (const { name, configOperation, value } of alterations) {
    const type = topicConfigType(name);
    if (type === undefined) {
      throw new TopicAdminError(
        ErrorCode.INVALID_CONFIG,
        `Unknown topic config name: ${name} (this broker supports ${[...effective.keys()].join(', ')})`,
      );
    }
    switch (configOperation) {
      case ConfigOperation.SET:
        next[name] = value;
        break;
      case ConfigOperation.DELETE:
        delete next[name];
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const verb = configOperation === ConfigOperation.APPEND ? 'append' : 'subtract';
        if (type !== 'list') {
          throw new TopicAdminError(
            ErrorCode.INVALID_CONFIG,
            `Config value ${verb} is not allowed for config key: ${name} (it is of type ${type}, not a list)`,
          );
        }
        const items = splitList(effective.get(name) ?? '');
        const given = splitList(value ?? '');
        next[name] = (
          configOperation === ConfigOperation.APPEND
            ? [...items, ...given.filter((item) => !items.includes(item))]
            : items.filter((item) => !given.includes(item))
        ).join(',');
        break;
      }
      default:
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          `Unknown config operation ${configOperation} for config ${name}; it must be 0 (SET), 1 (DELETE), 2 (APPEND) or 3 (SUBTRACT)`,
        );
    }
  }
  return next;
}

/**
 * The configs a topic sets once `alterations` are applied to `current` and the result passes
 * CreateTopics' checks (validateTopicConfigs; a failure is INVALID_CONFIG naming the config,
 * value and limit). Pure: the single broker writes the result to meta.json, a cluster to etcd.
 */
export function alteredTopicConfigs(
  config: BrokerConfig,
  current: Readonly<Record<string, string>>,
  alterations: readonly ConfigAlteration[],
): Record<string, string> {
  try {
    return validateTopicConfigs(applyConfigAlterations(config, current, alterations));
  } catch (err) {
    if (!(err instanceof InvalidConfigError)) throw err;
    throw new TopicAdminError(ErrorCode.INVALID_CONFIG, err.message);
  }
}

/** INVALID_REQUEST when a config is named more than once, in Kafka's words. */
function refuseDuplicateNames(configs: readonly { readonly name: string }[]): void {
  const names = configs.map((c) => c.name);
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REQUEST,
      `Error due to duplicate config keys: ${[...new Set(duplicates)].join(',')}`,
    );
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** One config of an AlterConfigs resource: the value the topic is to set. */
export interface ConfigReplacement {
  readonly name: string;
  readonly value: string | null;
}

/**
 * The configs a topic sets after AlterConfigs (key 33): exactly `replacements`, so every config
 * not named goes back to the broker's default (Kafka's legacy AlterConfigs replaces a resource's
 * whole set of dynamic configs; IncrementalAlterConfigs is the one that changes only what it
 * names). Checked with CreateTopics' rules. Throws TopicAdminError: INVALID_REQUEST for a null
 * value (as Kafka's ConfigAdminManager refuses it, before any other check) or a config named
 * twice, INVALID_CONFIG for an unknown name or a value outside its limits.
 */
export function replacedTopicConfigs(replacements: readonly ConfigReplacement[]): Record<string, string> {
  const nulls = replacements.filter((r) => r.value === null).map((r) => r.name);
  if (nulls.length > 0) {
    throw new TopicAdminError(
      ErrorCode.INVALID_REQUEST,
      `Null value not supported for : ${nulls.join(', ')}`,
    );
  }
  refuseDuplicateNames(replacements);
  try {
    return validateTopicConfigs(Object.fromEntries(replacements.map((r) => [r.name, r.value])));
  } catch (err) {
    if (!(err instanceof InvalidConfigError)) throw err;
    throw new TopicAdminError(ErrorCode.INVALID_CONFIG, err.message);
  }
}
