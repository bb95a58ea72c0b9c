import { type LogOptions, resolveLogConfig } from '@runnel/log-store';
import type { BrokerConfig } from '../config/broker-config.js';
import { brokerSetting } from './broker-settings.js';

/**
 * How a config's value is written, as Kafka's ConfigDef types: `long` and `int` are decimal
 * integers, where Long.MAX_VALUE (9223372036854775807) means "never" (Infinity in the log store);
 * `double` a decimal number; `list` comma-separated names.
 */
export type ConfigType = 'long' | 'int' | 'double' | 'list';

/**
 * The topic-level configs the broker accepts (in CreateTopics) and reports (in DescribeConfigs),
 * by their Kafka names, each with the log option it sets and the broker setting that gives its
 * default. One table, so validation, defaults and DescribeConfigs cannot disagree.
 */
interface TopicConfigDefinition {
  readonly name: string;
  readonly type: ConfigType;
  readonly logOption: keyof LogOptions;
  /** The broker setting (see broker-settings.ts) whose value a topic that does not set this config takes. */
  readonly brokerSetting: string;
}

const TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  { name: 'cleanup.policy', type: 'list', logOption: 'cleanupPolicy', brokerSetting: 'log.cleanup.policy' },
  { name: 'retention.ms', type: 'long', logOption: 'retentionMs', brokerSetting: 'log.retention.ms' },
  {
    name: 'retention.bytes',
    type: 'long',
    logOption: 'retentionBytes',
    brokerSetting: 'log.retention.bytes',
  },
  { name: 'segment.bytes', type: 'int', logOption: 'segmentBytes', brokerSetting: 'log.segment.bytes' },
  { name: 'segment.ms', type: 'long', logOption: 'segmentMs', brokerSetting: 'log.roll.ms' },
  {
    name: 'max.message.bytes',
    type: 'int',
    logOption: 'maxMessageBytes',
    brokerSetting: 'message.max.bytes',
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    logOption: 'deleteRetentionMs',
    brokerSetting: 'log.cleaner.delete.retention.ms',
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    logOption: 'minCleanableDirtyRatio',
    brokerSetting: 'log.cleaner.min.cleanable.ratio',
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));
const LONG_MAX = '9223372036854775807';
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The type of a topic config this broker knows, or undefined for any other name. */
export function topicConfigType(name: string): ConfigType | undefined {
  return BY_NAME.get(name)?.type;
}

/** Raised for a config Kafka would answer with INVALID_CONFIG; the message names config, value and rule. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
}

/**
 * Checks topic configs given as Kafka's strings and returns them normalised (`delete, compact`
 * becomes `delete,compact`). Unknown names, null values and values outside the log's limits are
 * refused with a message naming the config and the value, in Kafka's words where it has them.
 */
export function validateTopicConfigs(
  configs: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const nulls = Object.keys(configs).filter((name) => configs[name] === null);
  if (nulls.length > 0) {
    throw new InvalidConfigError(`Null value not supported for topic configs: ${nulls.join(',')}`);
  }
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs) as [string, string][]) {
    const definition = BY_NAME.get(name);
    if (!definition) {
      throw new InvalidConfigError(
        `Unknown topic config name: ${name} (this broker supports ${TOPIC_CONFIGS.map((c) => c.name).join(', ')})`,
      );
    }
    const option = parseValue(definition, value);
    try {
      resolveLogConfig({ [definition.logOption]: option });
    } catch (err) {
      throw new InvalidConfigError(
        `Invalid value ${value} for configuration ${name}: ${(err as Error).message}`,
      );
    }
    normalised[name] = formatValue(option);
  }
  return normalised;
}

function parseValue(definition: TopicConfigDefinition, value: string): number | string {
  const text = value.trim();
  switch (definition.type) {
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .join(',');
    case 'double':
      if (DECIMAL.test(text)) return Number(text);
      break;
    case 'long':
    case 'int':
      if (text === LONG_MAX) return Number.POSITIVE_INFINITY;
      if (INTEGER.test(text)) {
        const n = Number(text);
        if (Number.isSafeInteger(n)) return n;
        throw new InvalidConfigError(
          `Invalid value ${value} for configuration ${definition.name}: out of range (use ${LONG_MAX} for "never")`,
        );
      }
      break;
  }
  throw new InvalidConfigError(
    `Invalid value ${value} for configuration ${definition.name}: Not a number of type ${definition.type.toUpperCase()}`,
  );
}

/** A log option as Kafka writes the config: Infinity ("never") as Long.MAX_VALUE. */
function formatValue(option: number | string): string {
  return option === Number.POSITIVE_INFINITY ? LONG_MAX : String(option);
}

/** The value of every topic config for a topic: its own, or else the broker's default. */
export function effectiveTopicConfigs(
  config: BrokerConfig,
  topicConfigs: Readonly<Record<string, string>>,
): { name: string; value: string; brokerSetting: string }[] {
  return TOPIC_CONFIGS.map((definition) => ({
    name: definition.name,
    value: topicConfigs[definition.name] ?? brokerSetting(config, definition.brokerSetting).value,
    brokerSetting: definition.brokerSetting,
  }));
}

/** Log options for a topic: broker defaults overlaid with the topic's own configs. */
export function logOptionsFor(
  config: BrokerConfig,
  topicConfigs: Readonly<Record<string, string>>,
): LogOptions {
  const options: Record<string, number | string> = {};
  for (const { name, value } of effectiveTopicConfigs(config, topicConfigs)) {
    const definition = BY_NAME.get(name)!;
    options[definition.logOption] = parseValue(definition, value);
  }
  return options as LogOptions;
}
