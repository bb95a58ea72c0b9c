import { type Clock, LogManager, type PartitionLog, validateTopicName } from '@runnel/log-store';
import { ErrorCode, KafkaError } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { type BrokerMetadata, BrokerMetadataStore, type StoredTopic } from './broker-metadata-store.js';
import { InvalidConfigError, logOptionsFor, validateTopicConfigs } from './topic-configs.js';

export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
  /** Configs the topic sets itself, by Kafka name. */
  readonly configs: Readonly<Record<string, string>>;
  /** Kafka's internal topics (`__consumer_offsets`) are hidden from clients that do not ask for them. */
  readonly internal: boolean;
}

export interface CreateTopicRequest {
  /** -1 takes the broker's `num.partitions`. */
  numPartitions: number;
  /** 1 or -1 (the broker's default) on a single broker. */
  replicationFactor: number;
  configs?: Readonly<Record<string, string>>;
  /** Check only; create nothing (CreateTopics `validate_only`). */
  validateOnly?: boolean;
}

const MAX_PARTITIONS = 10_000;

/**
 * The topics of this broker and their partition logs. Topic names, partition counts and
 * topic-level configs live in `meta.json` (BrokerMetadataStore); the records live in the
 * LogManager's partition directories. Failures are KafkaErrors carrying the code a response
 * should hold (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
 * INVALID_REPLICATION_FACTOR, INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION) and a message naming
 * the value at fault.
 */
export class TopicManager {
  private readonly topics = new Map<string, StoredTopic>();
  readonly clusterId: string;
  readonly logs: LogManager;
  private readonly store: BrokerMetadataStore;

  constructor(
    private readonly config: BrokerConfig,
    options: { clock?: Clock } = {},
  ) {
    this.store = new BrokerMetadataStore(config.dataDir);
    const metadata = this.store.load(config.nodeId);
    this.clusterId = metadata.clusterId;
    for (const topic of metadata.topics) this.topics.set(topic.name, topic);
    this.logs = LogManager.open(config.dataDir, {
      defaults: logOptionsFor(config, {}),
      topicConfig: (topic) => logOptionsFor(config, this.topics.get(topic)?.configs ?? {}),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.adoptPartitionsFoundOnDisk();
    for (const topic of this.topics.values()) {
      for (let p = 0; p < topic.partitions; p++) this.logs.getOrCreate(topic.name, p);
    }
  }

  /** Partition directories without an entry in meta.json (written by an older run) become topics. */
  private adoptPartitionsFoundOnDisk(): void {
    let adopted = false;
    for (const { topic, partition } of this.logs.all()) {
      const known = this.topics.get(topic);
      if (known && known.partitions > partition) continue;
      this.topics.set(topic, { name: topic, partitions: partition + 1, configs: known?.configs ?? {} });
      adopted = true;
    }
    if (adopted) this.persist();
  }

  topic(name: string): TopicInfo | undefined {
    const stored = this.topics.get(name);
    return stored && toInfo(stored);
  }

  allTopics(): TopicInfo[] {
    return [...this.topics.values()].map(toInfo);
  }

  /** The log of a partition, or undefined when the topic or partition does not exist. */
  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    const stored = this.topics.get(topic);
    if (!stored || partition < 0 || partition >= stored.partitions) return undefined;
    return this.logs.get(topic, partition);
  }

  createTopic(name: string, request: CreateTopicRequest): TopicInfo {
    checkTopicName(name);
    if (this.topics.has(name)) {
      throw KafkaError.fromCode(ErrorCode.TOPIC_ALREADY_EXISTS, {
        message: `topic '${name}' already exists`,
      });
    }
    const partitions = request.numPartitions === -1 ? this.config.numPartitions : request.numPartitions;
    checkPartitionCount(name, partitions);
    if (request.replicationFactor !== -1 && request.replicationFactor !== 1) {
      throw KafkaError.fromCode(ErrorCode.INVALID_REPLICATION_FACTOR, {
        message: `replication factor ${request.replicationFactor} for topic '${name}' is larger than the 1 available broker`,
      });
    }
    let configs: Record<string, string>;
    try {
      configs = validateTopicConfigs(request.configs ?? {});
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      throw KafkaError.fromCode(ErrorCode.INVALID_CONFIG, { message: err.message });
    }
    const topic: StoredTopic = { name, partitions, configs };
    if (request.validateOnly) return toInfo(topic);
    this.topics.set(name, topic);
    this.persist();
    for (let p = 0; p < partitions; p++) this.logs.getOrCreate(name, p);
    return toInfo(topic);
  }

  /** Creates a topic with the broker's defaults if auto-creation is on; undefined otherwise. */
  autoCreate(name: string): TopicInfo | undefined {
    if (!this.config.autoCreateTopicsEnable) return undefined;
    return this.createTopic(name, { numPartitions: -1, replicationFactor: -1 });
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.requireTopic(name);
    this.topics.delete(name);
    this.persist();
    for (let p = 0; p < topic.partitions; p++) await this.logs.delete(name, p);
  }

  /** Grows a topic to `count` partitions (CreatePartitions); partitions are never removed. */
  createPartitions(name: string, count: number, validateOnly = false): void {
    const topic = this.requireTopic(name);
    if (count <= topic.partitions) {
      throw KafkaError.fromCode(ErrorCode.INVALID_PARTITIONS, {
        message: `topic '${name}' has ${topic.partitions} partitions; the new count ${count} must be larger`,
      });
    }
    checkPartitionCount(name, count);
    if (validateOnly) return;
    const previous = topic.partitions;
    topic.partitions = count;
    this.persist();
    for (let p = previous; p < count; p++) this.logs.getOrCreate(name, p);
  }

  /** Offsets of every partition, for metrics. */
  *partitionOffsets(): Iterable<{
    topic: string;
    partition: number;
    logEndOffset: bigint;
    highWatermark: bigint;
  }> {
    for (const { topic, partition, log } of this.logs.all()) {
      if (log.isOffline) continue;
      yield { topic, partition, logEndOffset: log.logEndOffset, highWatermark: log.highWatermark };
    }
  }

  /** Flushes and closes every log, writing the clean-shutdown markers. */
  close(): Promise<void> {
    return this.logs.close();
  }

  private requireTopic(name: string): StoredTopic {
    const topic = this.topics.get(name);
    if (!topic) {
      throw KafkaError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
        message: `topic '${name}' does not exist`,
      });
    }
    return topic;
  }

  private persist(): void {
    const metadata: BrokerMetadata = {
      clusterId: this.clusterId,
      nodeId: this.config.nodeId,
      topics: [...this.topics.values()],
    };
    this.store.save(metadata);
  }
}

function toInfo(topic: StoredTopic): TopicInfo {
  return {
    name: topic.name,
    partitions: topic.partitions,
    configs: topic.configs,
    internal: topic.name.startsWith('__'),
  };
}

function checkTopicName(name: string): void {
  try {
    validateTopicName(name);
  } catch (err) {
    throw KafkaError.fromCode(ErrorCode.INVALID_TOPIC_EXCEPTION, { message: (err as Error).message });
  }
}

function checkPartitionCount(name: string, partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw KafkaError.fromCode(ErrorCode.INVALID_PARTITIONS, {
      message: `partition count ${partitions} for topic '${name}' must be between 1 and ${MAX_PARTITIONS}`,
    });
  }
}
