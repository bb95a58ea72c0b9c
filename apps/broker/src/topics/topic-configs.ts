import { DEFAULT_LOG_CONFIG, type LogOptions, resolveLogConfig } from '@runnel/log-store';
import type { BrokerConfig } from '../config/broker-config.js';

/**
 * The topic-level configs the broker accepts (in CreateTopics, and reports in DescribeConfigs),
 * by their Kafka names, each with the log option it sets and the broker setting that gives its
 * default. One table, so validation, defaults and DescribeConfigs cannot disagree.
 */
interface TopicConfigDefinition {
  readonly name: string;
  readonly logOption: keyof LogOptions;
  /** The broker-wide default, from the broker's configuration. */
  readonly brokerDefault: (config: BrokerConfig) => number | string;
  /** The broker setting that provides the default, as Kafka names it. */
  readonly brokerSetting: string;
}

export const TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  {
    name: 'cleanup.policy',
    logOption: 'cleanupPolicy',
    brokerDefault: (c) => c.logCleanupPolicy,
    brokerSetting: 'log.cleanup.policy',
  },
  {
    name: 'retention.ms',
    logOption: 'retentionMs',
    brokerDefault: (c) => c.logRetentionMs,
    brokerSetting: 'log.retention.ms',
  },
  {
    name: 'retention.bytes',
    logOption: 'retentionBytes',
    brokerDefault: (c) => c.logRetentionBytes,
    brokerSetting: 'log.retention.bytes',
  },
  {
    name: 'segment.bytes',
    logOption: 'segmentBytes',
    brokerDefault: (c) => c.logSegmentBytes,
    brokerSetting: 'log.segment.bytes',
  },
  {
    name: 'segment.ms',
    logOption: 'segmentMs',
    brokerDefault: () => DEFAULT_LOG_CONFIG.segmentMs,
    brokerSetting: 'log.roll.ms',
  },
  {
    name: 'max.message.bytes',
    logOption: 'maxMessageBytes',
    brokerDefault: (c) => c.messageMaxBytes,
    brokerSetting: 'message.max.bytes',
  },
  {
    name: 'delete.retention.ms',
    logOption: 'deleteRetentionMs',
    brokerDefault: () => DEFAULT_LOG_CONFIG.deleteRetentionMs,
    brokerSetting: 'log.cleaner.delete.retention.ms',
  },
  {
    name: 'min.cleanable.dirty.ratio',
    logOption: 'minCleanableDirtyRatio',
    brokerDefault: () => DEFAULT_LOG_CONFIG.minCleanableDirtyRatio,
    brokerSetting: 'log.cleaner.min.cleanable.ratio',
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));

/** Raised for a config Kafka would answer with INVALID_CONFIG; the message names config, value and rule. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
}

/**
 * Checks topic configs given as Kafka's strings and returns them normalised. Unknown names and
 * values outside the log's limits are refused with a message naming the config and the value.
 */
export function validateTopicConfigs(configs: Readonly<Record<string, string>>): Record<string, string> {
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs)) {
    const definition = BY_NAME.get(name);
    if (!definition) {
      throw new InvalidConfigError(
        `unknown topic config '${name}'; supported: ${TOPIC_CONFIGS.map((c) => c.name).join(', ')}`,
      );
    }
    const option = toLogOption(definition, value);
    try {
      resolveLogConfig({ [definition.logOption]: option });
    } catch (err) {
      throw new InvalidConfigError(`topic config ${name}=${value} is invalid: ${(err as Error).message}`);
    }
    normalised[name] = String(option);
  }
  return normalised;
}

function toLogOption(definition: TopicConfigDefinition, value: string): number | string {
  if (definition.logOption === 'cleanupPolicy') return value.replaceAll(' ', '');
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) {
    throw new InvalidConfigError(`topic config ${definition.name}=${value} is not a number`);
  }
  return n;
}

/** Log options for a topic: broker defaults overlaid with the topic's own configs. */
export function logOptionsFor(
  config: BrokerConfig,
  topicConfigs: Readonly<Record<string, string>>,
): LogOptions {
  const options: Record<string, number | string> = {};
  for (const definition of TOPIC_CONFIGS) {
    const own = topicConfigs[definition.name];
    options[definition.logOption] =
      own === undefined ? definition.brokerDefault(config) : toLogOption(definition, own);
  }
  return options as LogOptions;
}

/** Every topic config with its value and whether the topic sets it or the broker's default applies. */
export function describeTopicConfigs(
  config: BrokerConfig,
  topicConfigs: Readonly<Record<string, string>>,
): { name: string; value: string; isDefault: boolean; brokerSetting: string; brokerDefault: string }[] {
  return TOPIC_CONFIGS.map((definition) => {
    const own = topicConfigs[definition.name];
    const brokerDefault = String(definition.brokerDefault(config));
    return {
      name: definition.name,
      value: own ?? brokerDefault,
      isDefault: own === undefined,
      brokerSetting: definition.brokerSetting,
      brokerDefault,
    };
  });
}
