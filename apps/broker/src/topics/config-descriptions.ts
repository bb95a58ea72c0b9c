import type { BrokerConfig } from '../config/broker-config.js';
import { type BrokerSettingValue, brokerSetting, brokerSettings } from './broker-settings.js';
import { effectiveTopicConfigs } from './topic-configs.js';

/** Where a config's value comes from: DescribeConfigs' `config_source` (Kafka's DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  /** Set by the topic itself (Kafka calls it TOPIC_CONFIG in code). */
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  /** Set in the broker's own configuration (file, environment or flags). */
  STATIC_BROKER_CONFIG: 4,
  /** Nothing sets it: the built-in default. */
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface ConfigSynonym {
  readonly name: string;
  readonly value: string;
  readonly source: number;
}

/**
 * One config as DescribeConfigs reports it. `synonyms` are every place that gives it a value, the
 * one in effect first, as Kafka lists them: the topic's own value, then the broker setting from
 * the broker's configuration, then that setting's built-in default. `source` is the first
 * synonym's source.
 */
export interface DescribedConfig {
  readonly name: string;
  readonly value: string;
  readonly source: number;
  /** Whether this broker refuses to change it at run time (every broker setting: none is dynamic here). */
  readonly readOnly: boolean;
  readonly synonyms: readonly ConfigSynonym[];
}

function brokerSynonyms(setting: BrokerSettingValue): ConfigSynonym[] {
  const defaultSynonym = {
    name: setting.name,
    value: setting.defaultValue,
    source: ConfigSource.DEFAULT_CONFIG,
  };
  if (!setting.configured) return [defaultSynonym];
  return [
    { name: setting.name, value: setting.value, source: ConfigSource.STATIC_BROKER_CONFIG },
    defaultSynonym,
  ];
}

/** Every topic config of a topic that sets `topicConfigs`, in the topic config table's order. */
export function describeTopicConfigs(
  config: BrokerConfig,
  topicConfigs: Readonly<Record<string, string>>,
): DescribedConfig[] {
  return effectiveTopicConfigs(config, topicConfigs).map(({ name, value, brokerSetting: settingName }) => {
    const own = topicConfigs[name];
    const synonyms = [
      ...(own === undefined ? [] : [{ name, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }]),
      ...brokerSynonyms(brokerSetting(config, settingName)),
    ];
    return { name, value, source: synonyms[0]!.source, readOnly: false, synonyms };
  });
}

/** Every broker setting of this broker, in the broker settings table's order. */
export function describeBrokerConfigs(config: BrokerConfig): DescribedConfig[] {
  return brokerSettings(config).map((setting) => {
    const synonyms = brokerSynonyms(setting);
    return {
      name: setting.name,
      value: setting.value,
      source: synonyms[0]!.source,
      readOnly: true,
      synonyms,
    };
  });
}
