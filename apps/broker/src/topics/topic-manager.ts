import { Logger, type LoggerService } from '@nestjs/common';
import {
  type Clock,
  KafkaStorageError,
  LogManager,
  type PartitionLog,
  resolveLogConfig,
} from '@runnel/log-store';
import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { type BrokerMetadata, BrokerMetadataStore, type StoredTopic } from './broker-metadata-store.js';
import { PARTITION_LEADER_EPOCH } from './partition-leadership.js';
import { TopicAdminError } from './topic-admin-error.js';
import { alteredTopicConfigs, type ConfigAlteration } from './topic-config-alterations.js';
import { InvalidConfigError, logOptionsFor, validateTopicConfigs } from './topic-configs.js';
import {
  checkNewTopicName,
  checkPartitionCount,
  checkReplicas,
  checkReplicationFactor,
  INTERNAL_TOPICS,
  partitionsOfAssignment,
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

/** What the TopicManager of a broker in a cluster asks the cluster (ClusterNode). */
export interface ClusterTopics {
  /** Why clients may not read or write the partition here (NOT_LEADER_OR_FOLLOWER), or undefined when they may. */
  notLeaderReason(topic: string, partition: number): string | undefined;
  /** Whether the topic is one of the cluster's, rather than this broker's own (`__consumer_offsets`). */
  isClusterTopic(name: string): boolean;
  /** The partition's leader epoch in the cluster, or undefined for a partition the cluster does not know. */
  leaderEpoch(topic: string, partition: number): number | undefined;
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
 * topic-level configs live in `meta.json` (BrokerMetadataStore), written before any log of a new
 * topic or partition is opened; the records live in the LogManager's partition directories,
 * opened with the topic's configs (logOptionsFor). Failures are TopicAdminErrors carrying the
 * code a response should hold (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
 * INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_REQUEST, INVALID_CONFIG,
 * UNKNOWN_TOPIC_OR_PARTITION, POLICY_VIOLATION) and a message naming the value at fault, or the
 * log store's KafkaErrors (OFFSET_OUT_OF_RANGE, KAFKA_STORAGE_ERROR).
 *
 * A partition whose log cannot be opened stays offline (the broker still starts) and is reported
 * so by `isPartitionOnline`.
 *
 * meta.json decides which topics exist; at start, before any log is opened, a deletion a crash
 * interrupted is finished (see `deleteTopic`), and a partition directory meta.json does not name
 * is set aside as `<topic>-<partition>.<uniqueId>-stray` rather than served: since topics and
 * partitions are written to meta.json before their directories and deleted from it after, such a
 * directory was not made by this broker's own steps. What recovery did after an unclean shutdown
 * is logged per partition.
 */
export class TopicManager {
  private readonly topics = new Map<string, StoredTopic>();
  /**
   * Topics being deleted, by name: their names cannot be taken again until their directories
   * are gone. Until every directory of one is renamed for deletion it is still written to
   * meta.json (`renamed` false), so meta.json never drops a topic whose directories are in place.
   */
  private readonly deleting = new Map<string, { topic: StoredTopic; renamed: boolean }>();
  private readonly logger: LoggerService;
  readonly clusterId: string;
  readonly logs: LogManager;
  private readonly store: BrokerMetadataStore;
  private cluster: ClusterTopics | undefined;

  /** The data directory must be locked by the caller (see startBroker). */
  constructor(
    private readonly config: BrokerConfig,
    options: { clock?: Clock; logger?: LoggerService } = {},
  ) {
    this.logger = options.logger ?? new Logger('TopicManager');
    this.store = new BrokerMetadataStore(config.dataDir);
    const metadata = this.store.load(config.nodeId);
    this.clusterId = metadata.clusterId;
    for (const topic of metadata.topics) this.topics.set(topic.name, topic);
    this.finishInterruptedDeletions();
    this.logs = LogManager.open(config.dataDir, {
      defaults: logOptionsFor(config, {}),
      topicConfig: (topic) => logOptionsFor(config, this.topics.get(topic)?.configs ?? {}),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      isKnownPartition: (topic, partition) => partition < (this.topics.get(topic)?.partitions ?? 0),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    for (const { dirName } of this.logs.strayDirs) {
      this.logger.warn(
        `${dirName}: a partition directory meta.json does not name was set aside, not served; remove it or move it away`,
      );
    }
    this.logRecoveries();
    for (const topic of this.topics.values()) {
      try {
        this.openLogs(topic.name, 0, topic.partitions);
      } catch (err) {
        if (!(err instanceof KafkaStorageError)) throw err;
        this.logger.error(`topic ${topic.name}: a partition stays offline: ${err.message}`);
      }
    }
  }

  /** Topics a crash left part-renamed for deletion are deleted from meta.json, before any log opens. */
  private finishInterruptedDeletions(): void {
    const finished = LogManager.finishInterruptedDeletions(this.config.dataDir, this.topics.values());
    if (finished.length === 0) return;
    for (const name of finished) {
      this.topics.delete(name);
      this.logger.warn(`topic ${name}: finished its deletion, which a crash had interrupted`);
    }
    this.persist();
  }

  /** One line per partition that recovery had to check or repair, so an operator can tell what happened. */
  private logRecoveries(): void {
    let unclean = 0;
    for (const { topic, partition, log } of this.logs.all()) {
      const report = log.recovery;
      if (report.hadCleanShutdown && report.lines.length === 0) continue;
      if (!report.hadCleanShutdown) unclean++;
      const cause = report.hadCleanShutdown ? 'damaged files' : 'an unclean shutdown';
      const summary =
        `${topic}-${partition}: recovered after ${cause}: ${report.segmentsRecovered} segment(s) checked and their indexes rebuilt, ` +
        `${report.bytesTruncated} bytes truncated, ${report.segmentsDeleted} segment(s) deleted, log end offset ${log.logEndOffset}`;
      const line = `${summary} (${report.lines.join('; ')})`;
      if (report.bytesTruncated > 0 || report.segmentsDeleted > 0) this.logger.warn(line);
      else this.logger.log(line);
    }
    if (unclean > 0) this.logger.warn(`recovered ${unclean} partition(s) after an unclean shutdown`);
  }

  topic(name: string): TopicInfo | undefined {
    const stored = this.topics.get(name);
    return stored && toInfo(stored);
  }

  allTopics(): TopicInfo[] {
    return [...this.topics.values()].map(toInfo);
  }

  /**
   * In a cluster (set once, by ClusterNode.join): `partitionLog` refuses the partitions this
   * broker does not lead, and `deleteTopic`, `createPartitions` and `alterTopicConfigs` refuse a
   * cluster topic with INVALID_REQUEST: its changes are written to etcd (ClusterTopicAdmin) and
   * reach this broker's copy through `hostPartitions` and `removeClusterTopicCopy`, never by
   * changing one broker's copy alone.
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
    const stored = this.topics.get(topic);
    if (!stored || partition < 0 || partition >= stored.partitions) return undefined;
    return this.logs.get(topic, partition);
  }

  /**
   * A topic of the cluster this broker hosts partitions of: recorded in meta.json as the cluster
   * assigned it (partition count, configs and `createRevision`, the incarnation of its etcd key,
   * so a restart recognises its directories and tells them from a later topic of the same name),
   * then the logs of `hosted` opened, created empty if new. Called again with a grown assignment
   * it opens the new partitions; with other configs it gives them to the open logs (as
   * alterTopicConfigs does). A copy of another incarnation must have been removed first
   * (removeClusterTopicCopy): its logs are not this topic's (RangeError otherwise; and
   * KafkaStorageError while a failed removal left some of its directories unrenamed).
   */
  hostPartitions(
    name: string,
    partitions: number,
    configs: Readonly<Record<string, string>>,
    hosted: readonly number[],
    createRevision: number,
  ): void {
    if (this.deleting.get(name)?.renamed === false) {
      // Its directories are not all renamed yet (a deletion that failed midway): a new log under
      // the same name would take one of them. The next start finishes that deletion.
      throw new KafkaStorageError(
        `topic ${name}: the deletion of this broker's previous copy has not finished renaming its directories`,
        this.config.dataDir,
      );
    }
    const known = this.topics.get(name);
    if (known?.clusterCreateRevision !== undefined && known.clusterCreateRevision !== createRevision) {
      throw new RangeError(
        `topic ${name}: this broker still holds its incarnation of revision ${known.clusterCreateRevision}, not ${createRevision}`,
      );
    }
    const reconfigured = known !== undefined && !sameConfigs(known.configs, configs);
    if (
      !known ||
      known.partitions !== partitions ||
      reconfigured ||
      known.clusterCreateRevision !== createRevision
    ) {
      const topic = { name, partitions, configs: { ...configs }, clusterCreateRevision: createRevision };
      this.topics.set(name, topic);
      this.persist();
      if (reconfigured) this.reconfigureLogs(topic);
    }
    let failure: KafkaStorageError | undefined;
    for (const p of hosted) {
      try {
        this.logs.getOrCreate(name, p);
      } catch (err) {
        if (!(err instanceof KafkaStorageError)) throw err;
        failure ??= err;
      }
    }
    if (failure) throw failure;
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

  /** Checks a new topic as Kafka's CreateTopics does, then (unless validateOnly) creates it. */
  createTopic(name: string, request: CreateTopicRequest): TopicInfo {
    checkNewTopicName(name, this.topics.keys());
    if (this.topics.has(name) || this.deleting.has(name)) {
      const state = this.deleting.has(name) ? 'is marked for deletion' : 'already exists';
      throw new TopicAdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' ${state}.`);
    }
    const partitions = this.partitionsOf(name, request);
    let configs: Record<string, string>;
    try {
      configs = validateTopicConfigs(request.configs ?? {});
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      throw new TopicAdminError(ErrorCode.INVALID_CONFIG, err.message);
    }
    const topic: StoredTopic = { name, partitions, configs };
    if (request.validateOnly) return toInfo(topic);
    this.topics.set(name, topic);
    this.persist();
    this.openLogs(name, 0, partitions);
    return toInfo(topic);
  }

  private partitionsOf(name: string, request: CreateTopicRequest): number {
    const { numPartitions, replicationFactor, assignments = [] } = request;
    if (assignments.length > 0) {
      if (numPartitions !== -1 || replicationFactor !== -1) {
        throw new TopicAdminError(
          ErrorCode.INVALID_REQUEST,
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        );
      }
      return partitionsOfAssignment(name, assignments, this.config.nodeId);
    }
    const partitions = numPartitions === -1 ? this.config.numPartitions : numPartitions;
    checkPartitionCount(name, partitions);
    checkReplicationFactor(
      replicationFactor === -1 ? this.config.defaultReplicationFactor : replicationFactor,
    );
    return partitions;
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
   * Deletes a topic, crash-atomically, in Kafka's order: (1) every partition's log is closed and
   * its directory renamed `<topic>-<partition>.<uniqueId>-delete`; (2) the topic is removed from
   * meta.json; (3) the renamed directories are removed. A crash in (1) leaves the topic in
   * meta.json with some directory renamed: the next start finishes the deletion (renames the
   * rest, then (2)). A crash after (2) leaves renamed directories, which the next start removes.
   * The topic stops being served at once, and its name cannot be taken again until (3) is done;
   * if removing fails, the name stays taken until the next start removes them.
   */
  async deleteTopic(name: string): Promise<void> {
    this.refuseClusterChange(name, 'Deletion');
    await this.deleteLocally(this.requireTopic(name));
  }

  /**
   * This broker's copies of cluster topics (in meta.json with the create revision of their etcd
   * key), for the cluster to find those it no longer has, or has as a later incarnation.
   */
  clusterTopicCopies(): { name: string; createRevision: number }[] {
    return [...this.topics.values()].flatMap(({ name, clusterCreateRevision }) =>
      clusterCreateRevision === undefined ? [] : [{ name, createRevision: clusterCreateRevision }],
    );
  }

  /**
   * Deletes this broker's copy of a cluster topic that etcd no longer has (or has as a later
   * incarnation), crash-atomically as `deleteTopic`. It stops being served at once (before the
   * first await), so a caller that stopped replicating it can rely on no log of it being handed
   * out; the returned promise resolves once its directories are renamed and meta.json no
   * longer names it.
   */
  async removeClusterTopicCopy(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (topic?.clusterCreateRevision === undefined) return;
    await this.deleteLocally(topic);
  }

  private async deleteLocally(topic: StoredTopic): Promise<void> {
    const { name } = topic;
    const pending = { topic, renamed: false };
    this.topics.delete(name);
    this.deleting.set(name, pending);
    const renamed: string[] = [];
    for (let p = 0; p < topic.partitions; p++) {
      const dirName = await this.logs.markForDeletion(name, p);
      if (dirName !== undefined) renamed.push(dirName);
    }
    pending.renamed = true;
    this.persist();
    try {
      this.logs.removeMarkedForDeletion(renamed);
    } catch (err) {
      if (!(err instanceof KafkaStorageError)) throw err;
      this.logger.error(`topic ${name} is deleted, but its directories are not removed yet: ${err.message}`);
      return;
    }
    this.deleting.delete(name);
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
    const topic = this.requireTopic(name);
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
    this.persist();
    this.openLogs(name, previous, count);
  }

  /**
   * IncrementalAlterConfigs for one topic: applies `alterations` to the configs it sets, checks
   * the result with CreateTopics' rules (INVALID_CONFIG naming the config, value and limit) and,
   * unless validateOnly, writes it to meta.json (atomically, before anything else changes) and
   * then to every open partition log. A PartitionLog's LogConfig is one object its segments,
   * flusher and cleaner share and read at each use (append, roll, retention, compaction), so
   * overwriting its fields takes effect from the next append or maintenance pass; a partition
   * that is offline takes the configs from meta.json when it is next opened.
   */
  alterTopicConfigs(name: string, alterations: readonly ConfigAlteration[], validateOnly = false): TopicInfo {
    this.refuseClusterChange(name, 'Altering the configs');
    const topic = this.requireTopic(name);
    const configs = alteredTopicConfigs(this.config, topic.configs, alterations);
    if (validateOnly) return toInfo({ ...topic, configs });
    const previous = topic.configs;
    topic.configs = configs;
    try {
      this.persist();
    } catch (err) {
      topic.configs = previous;
      throw err;
    }
    this.reconfigureLogs(topic);
    return toInfo(topic);
  }

  /** Gives the topic's open logs its configs (see alterTopicConfigs); an offline one takes them when next opened. */
  private reconfigureLogs(topic: StoredTopic): void {
    const resolved = resolveLogConfig(logOptionsFor(this.config, topic.configs));
    for (let p = 0; p < topic.partitions; p++) {
      try {
        this.logs.get(topic.name, p)?.reconfigure(resolved);
      } catch (err) {
        if (!(err instanceof KafkaStorageError)) throw err;
      }
    }
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

  /** Opens partitions [from, to) of a topic; a partition that cannot be opened throws KafkaStorageError. */
  private openLogs(name: string, from: number, to: number): void {
    let failure: KafkaStorageError | undefined;
    for (let p = from; p < to; p++) {
      try {
        this.logs.getOrCreate(name, p);
      } catch (err) {
        if (!(err instanceof KafkaStorageError)) throw err;
        failure ??= err;
      }
    }
    if (failure) throw failure;
  }

  private requireTopic(name: string): StoredTopic {
    const topic = this.topics.get(name);
    if (!topic) {
      throw new TopicAdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    }
    return topic;
  }

  private persist(): void {
    const beingRenamed = [...this.deleting.values()].filter((d) => !d.renamed).map((d) => d.topic);
    const metadata: BrokerMetadata = {
      clusterId: this.clusterId,
      nodeId: this.config.nodeId,
      topics: [...this.topics.values(), ...beingRenamed],
    };
    this.store.save(metadata);
  }
}

function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function toInfo(topic: StoredTopic): TopicInfo {
  return {
    name: topic.name,
    partitions: topic.partitions,
    configs: topic.configs,
    internal: INTERNAL_TOPICS.has(topic.name),
  };
}
