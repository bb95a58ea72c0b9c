import { DEFAULT_LOG_CONFIG } from '@runnel/log-store';
import { BrokerConfig } from '../config/broker-config.js';

/**
 * A broker setting by its Kafka name, as DescribeConfigs reports it for the BROKER resource and
 * as the default of a topic config. Either it comes from a BrokerConfig option, or it is fixed on
 * this broker (Kafka's default, with no option to change it).
 */
type BrokerSetting =
  | { readonly name: string; readonly option: keyof BrokerConfig }
  | { readonly name: string; readonly fixed: number | string };

/** What the broker's configuration makes of one setting. */
export interface BrokerSettingValue {
  readonly name: string;
  readonly value: string;
  /** The value this broker has when nothing configures the setting. */
  readonly defaultValue: string;
  /**
   * Whether the configuration sets it to something other than its default (Kafka says
   * STATIC_BROKER_CONFIG then: the value came from the broker's own configuration).
   */
  readonly configured: boolean;
}

const BROKER_SETTINGS: readonly BrokerSetting[] = [
  { name: 'broker.id', option: 'nodeId' },
  { name: 'log.dirs', option: 'dataDir' },
  { name: 'num.partitions', option: 'numPartitions' },
  { name: 'default.replication.factor', option: 'defaultReplicationFactor' },
  { name: 'min.insync.replicas', option: 'minInsyncReplicas' },
  { name: 'auto.create.topics.enable', option: 'autoCreateTopicsEnable' },
  { name: 'delete.topic.enable', option: 'deleteTopicEnable' },
  { name: 'message.max.bytes', option: 'messageMaxBytes' },
  { name: 'socket.request.max.bytes', option: 'socketRequestMaxBytes' },
  { name: 'log.segment.bytes', option: 'logSegmentBytes' },
  { name: 'log.roll.ms', fixed: DEFAULT_LOG_CONFIG.segmentMs },
  { name: 'log.retention.ms', option: 'logRetentionMs' },
  { name: 'log.retention.bytes', option: 'logRetentionBytes' },
  { name: 'log.retention.check.interval.ms', option: 'logRetentionCheckIntervalMs' },
  { name: 'log.cleanup.policy', option: 'logCleanupPolicy' },
  { name: 'log.cleaner.delete.retention.ms', fixed: DEFAULT_LOG_CONFIG.deleteRetentionMs },
  { name: 'log.cleaner.min.cleanable.ratio', fixed: DEFAULT_LOG_CONFIG.minCleanableDirtyRatio },
];

const DEFAULTS = new BrokerConfig();
const BY_NAME = new Map(BROKER_SETTINGS.map((s) => [s.name, s]));

function resolveSetting(setting: BrokerSetting, config: BrokerConfig): BrokerSettingValue {
  if ('fixed' in setting) {
    const value = String(setting.fixed);
    return { name: setting.name, value, defaultValue: value, configured: false };
  }
  const value = String(config[setting.option]);
  const defaultValue = String(DEFAULTS[setting.option]);
  return { name: setting.name, value, defaultValue, configured: value !== defaultValue };
}

/** Every broker setting with its value, in the table's order. */
export function brokerSettings(config: BrokerConfig): BrokerSettingValue[] {
  return BROKER_SETTINGS.map((setting) => resolveSetting(setting, config));
}

/** One broker setting by its Kafka name; the name must be in the table. */
export function brokerSetting(config: BrokerConfig, name: string): BrokerSettingValue {
  const setting = BY_NAME.get(name);
  if (!setting) throw new RangeError(`'${name}' is not a broker setting of this broker`);
  return resolveSetting(setting, config);
}
