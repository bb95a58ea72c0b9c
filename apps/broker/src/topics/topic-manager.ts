import { Logger, type LoggerService } from '@nestjs/common';
import { type Clock, KafkaStorageError, LogManager, type PartitionLog } from '@runnel/log-store';
import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import type { StoredTopic } from './broker-metadata-store.js';
import { ClusterTopicCopies, type ClusterTopics } from './cluster-topic-copies.js';
import { PARTITION_LEADER_EPOCH } from './partition-leadership.js';
import { TopicAdminError } from './topic-admin-error.js';
import { TopicCatalog } from './topic-catalog.js';
import {
  alteredTopicConfigs,
  type ConfigAlteration,
  type ConfigReplacement,
  replacedTopicConfigs,
} from './topic-config-alterations.js';
import { InvalidConfigError, logOptionsFor, validateTopicConfigs } from './topic-configs.js';
import { logRecoveries, openTopicLogs, partitionRange, reconfigureTopicLogs } from './topic-logs.js';
import {
  checkNewTopicName,
  checkPartitionCount,
  checkReplicas,
  INTERNAL_TOPICS,
  partitionCountOf,
  type ReplicaAssignment,
} from './topic-validation.js';

export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
  /** Configs the topic sets itself, by Kafka name. */
  readonly configs: Readonly<Record<string, string>>;
  /** Kafka's internal topics (`__consumer_offsets`, `__transaction_state`). */
  readonly internal: boolean;
}

export interface CreateTopicRequest {
  /** -1 takes the broker's `num.partitions`; must be -1 when `assignments` are given. */
  numPartitions: number;
  /** 1 or -1 (`default.replication.factor`) on a single broker; must be -1 when `assignments` are given. */
  replicationFactor: number;
  /** Manual placement of every partition (CreateTopics `assignments`); empty or absent: none. */
  assignments?: readonly ReplicaAssignment[];
  /** Topic configs by Kafka name; a null value is refused (INVALID_CONFIG), as Kafka does. */
  configs?: Readonly<Record<string, string | null>>;
  /** Check only; create nothing (CreateTopics `validate_only`). */
  validateOnly?: boolean;
}

/**
 * The topics of this broker and their partition logs. Topic names, partition counts and
 * topic-level configs live in `meta.json` (TopicCatalog), which decides which topics exist: it is
 * written before any log of a new topic or partition is opened, and a deleted topic leaves it
 * only once its directories are renamed. The records live in the LogManager's partition
 * directories, opened with the topic's configs (logOptionsFor). Failures are TopicAdminErrors
 * carrying the code a response should hold (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_REQUEST,
 * INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION, POLICY_VIOLATION) and a message naming the value at
 * fault, or the log store's KafkaErrors (OFFSET_OUT_OF_RANGE, KAFKA_STORAGE_ERROR).
 *
 * At start, before any log is opened, a deletion a crash interrupted is finished, and a partition
 * directory meta.json does not name is set aside as `<topic>-<partition>.<uniqueId>-stray`
 * rather than served. What recovery did after an unclean shutdown is logged per partition. A
 * partition whose log cannot be opened stays offline (the broker still starts) and is reported
 * so by `isPartitionOnline`.
 */
export class TopicManager {
  private readonly catalog: TopicCatalog;
  private readonly copies: ClusterTopicCopies;
  private readonly logger: LoggerService;
  readonly clusterId: string;
  readonly logs: LogManager;
  private cluster: ClusterTopics | undefined;

  /** The data directory must be locked by the caller (see startBroker). */
  constructor(
    private readonly config: BrokerConfig,
    options: { clock?: Clock; logger?: LoggerService } = {},
  ) {
    this.logger = options.logger ?? new Logger('TopicManager');
    const catalog = new TopicCatalog(config.dataDir, config.nodeId, this.logger);
    this.catalog = catalog;
    this.clusterId = catalog.clusterId;
    this.logs = LogManager.open(config.dataDir, {
      defaults: logOptionsFor(config, {}),
      topicConfig: (topic) => logOptionsFor(config, catalog.get(topic)?.configs ?? {}),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      isKnownPartition: (topic, partition) => partition < (catalog.get(topic)?.partitions ?? 0),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.copies = new ClusterTopicCopies(config, catalog, this.logs);
    logRecoveries(this.logs, this.logger);
    for (const topic of catalog.all()) {
      try {
        openTopicLogs(this.logs, topic.name, partitionRange(0, topic.partitions));
      } catch (err) {
        if (!(err instanceof KafkaStorageError)) throw err;
        this.logger.error(`topic ${topic.name}: a partition stays offline: ${err.message}`);
      }
    }
  }

  topic(name: string): TopicInfo | undefined {
    const stored = this.catalog.get(name);
    return stored && toInfo(stored);
  }

  allTopics(): TopicInfo[] {
    return [...this.catalog.all()].map(toInfo);
  }

  /**
   * In a cluster (set once, by ClusterNode.join): `partitionLog` refuses the partitions this
   * broker does not lead, and `deleteTopic`, `createPartitions`, `alterTopicConfigs` and
   * `replaceTopicConfigs` refuse a cluster topic with INVALID_REQUEST: its changes are written to
   * etcd (ClusterTopicAdmin) and reach this broker's copy through `hostPartitions` and
   * `removeClusterTopicCopy`, never by changing one broker's copy alone.
   */
  followCluster(cluster: ClusterTopics): void {
    this.cluster = cluster;
  }

  /** Refuses `what` for a topic the cluster holds (see followCluster). */
  private refuseClusterChange(name: string, what: string): void {
    if (!this.cluster?.isClusterTopic(name)) return;
    throw new TopicAdminError(
      ErrorCode.INVALID_REQUEST,
      `${what} of topic '${name}' on one broker's copy is refused: it is a cluster topic, changed through etcd.`,
    );
  }

  /**
   * The log of a partition as clients may read and write it (Produce, Fetch, ListOffsets,
   * DeleteRecords), or undefined when the topic or partition does not exist. Throws
   * NOT_LEADER_OR_FOLLOWER (a TopicAdminError) in a cluster when this broker does not lead the
   * partition, and KafkaStorageError when the partition's log could not be opened (it is offline).
   */
  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    const refusal = this.cluster?.notLeaderReason(topic, partition);
    if (refusal !== undefined) throw new TopicAdminError(ErrorCode.NOT_LEADER_OR_FOLLOWER, refusal);
    return this.localLog(topic, partition);
  }

  /** A partition's leader epoch: its cluster state's, or PARTITION_LEADER_EPOCH on a single broker. */
  leaderEpoch(topic: string, partition: number): number {
    return this.cluster?.leaderEpoch(topic, partition) ?? PARTITION_LEADER_EPOCH;
  }

  /**
   * The log of a partition this broker holds, whoever leads it (for metrics and, with
   * replication, followers), or undefined when the topic or partition does not exist or is not
   * hosted here. Throws KafkaStorageError when the log could not be opened.
   */
  localLog(topic: string, partition: number): PartitionLog | undefined {
    const stored = this.catalog.get(topic);
    if (!stored || partition < 0 || partition >= stored.partitions) return undefined;
    return this.logs.get(topic, partition);
  }

  /** Whether an existing partition's log is open here and has had no I/O error. */
  isPartitionOnline(topic: string, partition: number): boolean {
    try {
      const log = this.localLog(topic, partition);
      return log !== undefined && !log.isOffline;
    } catch (err) {
      if (err instanceof KafkaStorageError) return false;
      throw err;
    }
  }

  /**
   * A topic of the cluster this broker hosts partitions of (see ClusterTopicCopies.host): recorded
   * in meta.json with its partition count, configs and `createRevision` (its incarnation), then
   * the logs of `hosted` opened, created empty if new.
   */
  hostPartitions(
    name: string,
    partitions: number,
    configs: Readonly<Record<string, string>>,
    hosted: readonly number[],
    createRevision: number,
  ): void {
    this.copies.host(name, partitions, configs, hosted, createRevision);
  }

  /**
   * This broker's copies of cluster topics (in meta.json with the create revision of their etcd
   * key), for the cluster to find those it no longer has, or has as a later incarnation.
   */
  clusterTopicCopies(): { name: string; createRevision: number }[] {
    return this.copies.list();
  }

  /**
   * Deletes this broker's copy of a cluster topic that etcd no longer has (or has as a later
   * incarnation), crash-atomically as `deleteTopic`. It stops being served at once (before the
   * first await), so a caller that stopped replicating it can rely on no log of it being handed
   * out; the returned promise resolves once its directories are renamed and meta.json no
   * longer names it.
   */
  removeClusterTopicCopy(name: string): Promise<void> {
    return this.copies.remove(name);
  }

  /** Checks a new topic as Kafka's CreateTopics does, then (unless validateOnly) creates it. */
  createTopic(name: string, request: CreateTopicRequest): TopicInfo {
    checkNewTopicName(name, this.catalog.names());
    if (this.catalog.get(name) || this.catalog.isBeingDeleted(name)) {
      const state = this.catalog.isBeingDeleted(name) ? 'is marked for deletion' : 'already exists';
      throw new TopicAdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' ${state}.`);
    }
    const partitions = partitionCountOf(name, request, this.config);
    let configs: Record<string, string>;
    try {
      configs = validateTopicConfigs(request.configs ?? {});
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      throw new TopicAdminError(ErrorCode.INVALID_CONFIG, err.message);
    }
    const topic: StoredTopic = { name, partitions, configs };
    if (request.validateOnly) return toInfo(topic);
    this.catalog.put(topic);
    openTopicLogs(this.logs, name, partitionRange(0, partitions));
    return toInfo(topic);
  }

  /** Whether a topic a client asks for that does not exist is created (`auto.create.topics.enable`). */
  get autoCreateEnabled(): boolean {
    return this.config.autoCreateTopicsEnable;
  }

  /** Creates a topic with the broker's defaults if auto-creation is on; undefined otherwise. */
  autoCreate(name: string): TopicInfo | undefined {
    if (!this.config.autoCreateTopicsEnable) return undefined;
    return this.createTopic(name, { numPartitions: -1, replicationFactor: -1 });
  }

  /**
   * Deletes a topic crash-atomically (TopicCatalog.delete: directories renamed, then meta.json,
   * then the directories removed). The topic stops being served at once, and its name cannot be
   * taken again until its directories are removed.
   */
  async deleteTopic(name: string): Promise<void> {
    this.refuseClusterChange(name, 'Deletion');
    await this.catalog.delete(this.catalog.require(name), this.logs);
  }

  /**
   * Grows a topic to `count` partitions (CreatePartitions); partitions are never removed.
   * `assignments`, when given, places each new partition (one entry per added partition).
   */
  createPartitions(
    name: string,
    count: number,
    assignments: readonly (readonly number[])[] | null = null,
    validateOnly = false,
  ): void {
    this.refuseClusterChange(name, 'Adding partitions');
    const topic = this.catalog.require(name);
    const previous = topic.partitions;
    if (count <= previous) {
      throw new TopicAdminError(
        ErrorCode.INVALID_PARTITIONS,
        count === previous
          ? `Topic already has ${previous} partitions.`
          : `Topic currently has ${previous} partitions, which is higher than the requested ${count}.`,
      );
    }
    checkPartitionCount(name, count);
    if (assignments !== null) {
      if (assignments.length !== count - previous) {
        throw new TopicAdminError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Increasing the number of partitions by ${count - previous} but ${assignments.length} assignments provided.`,
        );
      }
      checkReplicas(assignments, previous, this.config.nodeId);
    }
    if (validateOnly) return;
    topic.partitions = count;
    this.catalog.persist();
    openTopicLogs(this.logs, name, partitionRange(previous, count));
  }

  /**
   * IncrementalAlterConfigs for one topic: applies `alterations` to the configs it sets
   * (alteredTopicConfigs: INVALID_CONFIG naming the config, value and limit), then sets them as
   * `reconfigure` does.
   */
  alterTopicConfigs(name: string, alterations: readonly ConfigAlteration[], validateOnly = false): TopicInfo {
    this.refuseClusterChange(name, 'Altering the configs');
    const topic = this.catalog.require(name);
    return this.reconfigure(
      topic,
      alteredTopicConfigs(this.config, topic.configs, alterations),
      validateOnly,
    );
  }

  /**
   * AlterConfigs for one topic: the topic sets exactly `replacements` (replacedTopicConfigs), so
   * a config it set before and is not named again returns to the broker's default; set as
   * `reconfigure` does.
   */
  replaceTopicConfigs(
    name: string,
    replacements: readonly ConfigReplacement[],
    validateOnly = false,
  ): TopicInfo {
    this.refuseClusterChange(name, 'Altering the configs');
    const topic = this.catalog.require(name);
    return this.reconfigure(topic, replacedTopicConfigs(replacements), validateOnly);
  }

  /**
   * Unless validateOnly, writes a topic's checked new configs to meta.json (atomically, before
   * anything else changes; on failure the topic keeps its configs) and then gives them to every
   * open partition log (reconfigureTopicLogs).
   */
  private reconfigure(topic: StoredTopic, configs: Record<string, string>, validateOnly: boolean): TopicInfo {
    if (validateOnly) return toInfo({ ...topic, configs });
    const previous = topic.configs;
    topic.configs = configs;
    try {
      this.catalog.persist();
    } catch (err) {
      topic.configs = previous;
      throw err;
    }
    reconfigureTopicLogs(this.config, this.logs, topic);
    return toInfo(topic);
  }

  /**
   * DeleteRecords for one partition: makes `offset` (-1: the high watermark) its log start offset
   * and returns the new log start offset (the low watermark). Only logs whose cleanup policy
   * deletes may lose records this way (POLICY_VIOLATION otherwise, as in Kafka); an offset above
   * the high watermark is OFFSET_OUT_OF_RANGE.
   */
  deleteRecordsBefore(topic: string, partition: number, offset: bigint): bigint {
    const log = this.partitionLog(topic, partition);
    if (!log) {
      throw new TopicAdminError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `Partition ${topic}-${partition} does not exist.`,
      );
    }
    if (!log.config.cleanupPolicy.includes('delete')) {
      throw new TopicAdminError(
        ErrorCode.POLICY_VIOLATION,
        `Records of partition ${topic}-${partition} can not be deleted due to the configured policy (cleanup.policy=${log.config.cleanupPolicy}).`,
      );
    }
    return log.deleteRecordsBefore(offset === -1n ? log.highWatermark : offset);
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
}

function toInfo(topic: StoredTopic): TopicInfo {
  return {
    name: topic.name,
    partitions: topic.partitions,
    configs: topic.configs,
    internal: INTERNAL_TOPICS.has(topic.name),
  };
}
