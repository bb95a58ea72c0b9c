import { Logger, type LoggerService } from '@nestjs/common';
import { OFFSETS_TOPIC, offsetsTopicPartitionFor } from '@runnel/coordinator';
import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import type { AdvertisedAddress } from '../network/broker-endpoint.js';
import { brokerListeners } from '../network/listener-spec.js';
import { interBrokerSecurity } from '../replication/inter-broker-security.js';
import { ReplicaManager } from '../replication/replica-manager.js';
import { BrokerStartupError } from '../startup/startup-error.js';
import { TopicAdminError } from '../topics/topic-admin-error.js';
import type { CreateTopicRequest, TopicManager } from '../topics/topic-manager.js';
import { ClusterController } from './cluster-controller.js';
import { ClusterFencedError } from './cluster-fenced-error.js';
import { type BrokerRegistration, listenerAddress, type TopicAssignment } from './cluster-keys.js';
import type { ClusterMetadataCache } from './cluster-metadata-cache.js';
import { ClusterMetadataStore, type Registration } from './cluster-metadata-store.js';
import { ClusterTopicAdmin } from './cluster-topic-admin.js';
import { planTopic } from './cluster-topic-plan.js';
import { etcdEndpoints } from './etcd-endpoints.js';
import { HostedTopics } from './hosted-topics.js';
import { initialPartitionState } from './partition-election.js';
import { assignReplicasToBrokers, randomAssignmentStart } from './replica-assignment.js';

/** How long a start waits for etcd's first answer, and a CreateTopics for its watch to show the topic. */
const ETCD_DIAL_TIMEOUT_MS = 5000;
/** How long a broker that lost its lease waits between attempts to register again. */
const REJOIN_DELAY_MS = 1000;

/**
 * This broker as a member of a cluster (`--cluster`): its registration in etcd, the metadata
 * cache the handlers answer from, the controller role, and the partitions it hosts.
 *
 * - `connect` reads the cluster's metadata (startBroker calls it before any file is opened);
 * - `join` makes the TopicManager refuse client reads and writes
 *   of partitions this broker does not lead (NOT_LEADER_OR_FOLLOWER), and from then on creates
 *   the local log of every partition whose replicas include this broker as soon as the
 *   assignment reaches it (at start, and from the watch);
 * - `register`, once the Kafka port is bound, puts the broker's address under its lease (epoch:
 *   the key's create revision) and stands for controller. A broker whose lease is lost (etcd
 *   unreachable for the session timeout, the process paused) is fenced by etcd at once and
 *   registers again under a new lease and epoch when it can;
 * - `close` revokes the lease, so the others see it leave at once (as Kafka's controlled
 *   shutdown, without moving leadership first).
 */
export class ClusterNode {
  private registration: Registration | undefined;
  private readonly controller: ClusterController;
  /** This broker's leaders and followers of the cluster's partitions. */
  readonly replicas: ReplicaManager;
  /** This broker's copies of the cluster's topics: hosted, reconfigured, deleted as etcd says. */
  private readonly hostedTopics: HostedTopics;
  /** DeleteTopics, CreatePartitions and IncrementalAlterConfigs of the cluster's topics. */
  readonly topicAdmin: ClusterTopicAdmin;
  /** Told after each metadata change, once `replicas` follows it (the group coordination). */
  private readonly replicasListeners = new Set<() => void>();
  private address: BrokerRegistration | undefined;
  private closed = false;

  private constructor(
    private readonly config: BrokerConfig,
    private readonly store: ClusterMetadataStore,
    topics: TopicManager,
    private readonly logger: LoggerService,
  ) {
    this.controller = new ClusterController(store, config.nodeId, () => this.registration, logger, config);
    this.replicas = new ReplicaManager(
      {
        nodeId: config.nodeId,
        replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
        interBrokerListenerName: config.interBrokerListenerName ?? brokerListeners(config)[0]!.name,
        interBrokerSecurity: interBrokerSecurity(config),
        dataDir: config.dataDir,
        replicaHighWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs,
      },
      store,
      topics,
      () => this.registration,
      logger,
    );
    this.hostedTopics = new HostedTopics(config.nodeId, store.cache, topics, this.replicas, logger, () =>
      this.sync(),
    );
    this.topicAdmin = new ClusterTopicAdmin(store, config, () => this.registration, this.hostedTopics);
  }

  /**
   * Reads the cluster's metadata from etcd (before any file of the data directory is opened):
   * BrokerStartupError naming `--cluster` when the value is malformed or etcd does not answer.
   */
  static async connect(
    config: BrokerConfig,
    logger: LoggerService = new Logger('Cluster'),
  ): Promise<ClusterMetadataStore> {
    const endpoints = etcdEndpoints(config.cluster ?? '');
    if (!endpoints) {
      throw new BrokerStartupError(
        `--cluster ${config.cluster} is not etcd://host:port[,host:port...]`,
        'cluster',
      );
    }
    try {
      return await ClusterMetadataStore.open(endpoints, config.clusterId, {
        dialTimeoutMs: ETCD_DIAL_TIMEOUT_MS,
        onIgnored: (key, reason) => logger.warn(`etcd key ${key} ignored: ${reason}`),
      });
    } catch (err) {
      throw new BrokerStartupError(
        `cannot read cluster ${config.clusterId} from etcd (--cluster ${config.cluster}, RUNNEL_CLUSTER): ${grpcReason(err)}; is etcd running? (apt-get install etcd-server)`,
        'cluster',
        { cause: err },
      );
    }
  }

  /** Becomes the cluster side of `topics` (see the class comment); `store` comes from `connect`. */
  static join(
    config: BrokerConfig,
    store: ClusterMetadataStore,
    topics: TopicManager,
    logger: LoggerService = new Logger('Cluster'),
  ): ClusterNode {
    const node = new ClusterNode(config, store, topics, logger);
    topics.followCluster({
      notLeaderReason: (topic, partition) => node.notLeaderReason(topic, partition),
      isClusterTopic: (name) => store.cache.topics.has(name),
      leaderEpoch: (topic, partition) => store.cache.partitionState(topic, partition)?.value.leaderEpoch,
    });
    node.sync();
    store.onChange(() => {
      node.sync();
      for (const listener of node.replicasListeners) listener();
      void node.controller.schedule();
    });
    return node;
  }

  get cache(): ClusterMetadataCache {
    return this.store.cache;
  }

  get clusterId(): string {
    return this.config.clusterId;
  }

  /**
   * Registers this broker: `address` is its inter-broker listener's host and port and every
   * listener it advertises. When its id is still held by a registration of a
   * previous run (killed before its lease expired), waits up to twice the session timeout for
   * that lease to expire; BrokerStartupError if it does not.
   */
  async register(address: BrokerRegistration): Promise<void> {
    this.address = address;
    // Copies of topics deleted (or created again) while this broker was away go before it serves.
    await this.hostedTopics.settled();
    const deadline = Date.now() + 2 * this.config.brokerSessionTimeoutMs;
    for (;;) {
      const registration = await this.store.registerBroker(this.config.nodeId, address, this.leaseTtlSeconds);
      if (registration) {
        this.adopt(registration);
        // Ready once its own Metadata lists it: a client told of this broker finds it there.
        await this.store.caughtUp(registration.epoch, ETCD_DIAL_TIMEOUT_MS);
        break;
      }
      if (Date.now() >= deadline) {
        throw new BrokerStartupError(
          `broker id ${this.config.nodeId} is registered in cluster ${this.config.clusterId} by a live broker (etcd key ${this.store.keys.broker(this.config.nodeId)}): stop it or give this one another --node-id (RUNNEL_NODE_ID)`,
          'nodeId',
        );
      }
      await this.idRelease(deadline - Date.now());
    }
    await this.controller.schedule();
  }

  /**
   * Why a client may not read or write `topic`-`partition` here, or undefined when it may: the
   * cluster knows the partition and this broker is not its leader. A topic the cluster does not
   * know is served as on a single broker.
   */
  notLeaderReason(topic: string, partition: number): string | undefined {
    if (!this.cache.topics.has(topic)) return undefined;
    const state = this.cache.partitionState(topic, partition)?.value;
    if (state?.leader === this.config.nodeId) return undefined;
    const leader = state
      ? `its leader is broker ${state.leader} at leader epoch ${state.leaderEpoch}`
      : 'its state is not known yet';
    return `Broker ${this.config.nodeId} is not the leader of partition ${topic}-${partition}: ${leader}.`;
  }

  /**
   * The broker that coordinates `groupId` (Kafka's rule): the leader of its partition of the
   * cluster's `__consumer_offsets` (`offsetsTopicPartitionFor` over the topic's partition count),
   * at `listenerName`; or why there is none now (the topic does not exist yet, the partition has
   * no live leader), which FindCoordinator answers COORDINATOR_NOT_AVAILABLE.
   */
  groupCoordinator(groupId: string, listenerName: string): AdvertisedAddress | string {
    const topic = this.cache.topics.get(OFFSETS_TOPIC);
    if (!topic) return `${OFFSETS_TOPIC} does not exist yet`;
    const partition = offsetsTopicPartitionFor(groupId, topic.value.partitions.length);
    const leader = this.cache.partitionState(OFFSETS_TOPIC, partition)?.value.leader;
    const broker = leader === undefined ? undefined : this.cache.brokers.get(leader);
    if (!broker) return `${OFFSETS_TOPIC}-${partition}, which holds group '${groupId}', has no live leader`;
    const address = listenerAddress(broker, listenerName);
    if (!address)
      return `broker ${broker.nodeId}, the coordinator of '${groupId}', has no listener ${listenerName}`;
    return { nodeId: broker.nodeId, host: address.host, port: address.port };
  }

  /** Calls `listener` after every metadata change, once this broker's leaders and followers follow it. */
  onReplicasChange(listener: () => void): () => void {
    const own = () => listener();
    this.replicasListeners.add(own);
    return () => this.replicasListeners.delete(own);
  }

  /**
   * Whether etcd has `topic` although this broker's cache does not yet (its watch lags behind a
   * creation on another broker): Metadata then answers LEADER_NOT_AVAILABLE, which clients retry,
   * rather than UNKNOWN_TOPIC_OR_PARTITION.
   */
  isBeingCreated(topic: string): Promise<boolean> {
    return this.store.topicExists(topic);
  }

  /** Creates a topic in the cluster (CreateTopics, auto-creation); validateOnly checks only. */
  async createTopic(name: string, request: CreateTopicRequest): Promise<TopicAssignment> {
    const liveBrokers = [...this.cache.brokers.keys()];
    const assignment = planTopic(name, request, {
      existingTopics: this.cache.topics.keys(),
      liveBrokers,
      defaultPartitions: this.config.numPartitions,
      defaultReplicationFactor: this.config.defaultReplicationFactor,
      start: randomAssignmentStart(liveBrokers.length),
    });
    if (request.validateOnly) return assignment;
    await this.writeTopic(name, assignment);
    return assignment;
  }

  /**
   * Creates an internal topic (`__consumer_offsets`, which CreateTopics may not create) with
   * Kafka's assignment over the live brokers. As Kafka's createInternalTopic, a replication
   * factor above the live brokers is refused (INVALID_REPLICATION_FACTOR), not lowered. Resolves
   * once this broker's cache has the topic, also when another broker created it first.
   */
  async createInternalTopic(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Readonly<Record<string, string>>,
  ): Promise<void> {
    const liveBrokers = [...this.cache.brokers.keys()];
    if (liveBrokers.length < replicationFactor) {
      throw new TopicAdminError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `its replication factor ${replicationFactor} (offsets.topic.replication.factor) is more than the ${liveBrokers.length} live broker(s)`,
      );
    }
    const assignment = {
      partitions: assignReplicasToBrokers(
        liveBrokers,
        partitions,
        replicationFactor,
        randomAssignmentStart(liveBrokers.length),
      ),
      configs: { ...configs },
    };
    try {
      await this.writeTopic(name, assignment);
    } catch (err) {
      if (!(err instanceof TopicAdminError) || err.code !== ErrorCode.TOPIC_ALREADY_EXISTS) throw err;
      await this.topicCached(name, ETCD_DIAL_TIMEOUT_MS);
    }
  }

  /** Writes a new topic with its initial partition states, fenced by this broker's registration. */
  private async writeTopic(name: string, assignment: TopicAssignment): Promise<void> {
    const registration = this.registration;
    if (!registration) {
      throw new ClusterFencedError(
        `Topic '${name}' was not created: broker ${this.config.nodeId} is not registered in the cluster; it is rejoining.`,
      );
    }
    const controllerEpoch = this.cache.controllerEpoch?.value ?? 0;
    const states = assignment.partitions.map((replicas) => initialPartitionState(replicas, controllerEpoch));
    const revision = await this.store.createTopic(name, assignment, states, registration.fence);
    // Answered once this broker's own cache has the topic, so its Metadata already lists it.
    await this.store.caughtUp(revision, ETCD_DIAL_TIMEOUT_MS);
  }

  /** Resolves when the cache has `topic` (created by another broker), or after `ms`. */
  private topicCached(topic: string, ms: number): Promise<void> {
    if (this.cache.topics.has(topic)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopListening();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const stopListening = this.store.onChange(() => {
        if (this.cache.topics.has(topic)) done();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.replicas.close();
    await this.controller.close();
    await this.registration?.lease.revoke().catch(() => undefined);
    this.registration = undefined;
    await this.store.close();
  }

  private get leaseTtlSeconds(): number {
    return Math.ceil(this.config.brokerSessionTimeoutMs / 1000);
  }

  private adopt(registration: Registration): void {
    this.registration = registration;
    this.logger.log(
      `broker ${this.config.nodeId} registered in cluster ${this.config.clusterId} at broker epoch ${registration.epoch}`,
    );
    registration.lease.once('lost', (err) => {
      if (this.closed || this.registration !== registration) return;
      this.registration = undefined;
      this.logger.warn(
        `broker ${this.config.nodeId} lost its etcd lease (${err.message}); registering again`,
      );
      void this.rejoin();
    });
  }

  private async rejoin(): Promise<void> {
    while (!this.closed && !this.registration && this.address) {
      try {
        const registration = await this.store.registerBroker(
          this.config.nodeId,
          this.address,
          this.leaseTtlSeconds,
        );
        if (registration) {
          this.adopt(registration);
          await this.controller.schedule();
          return;
        }
      } catch (err) {
        this.logger.warn(`broker ${this.config.nodeId} could not register again: ${(err as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, REJOIN_DELAY_MS).unref());
    }
  }

  /** Resolves when the cache no longer shows this broker's id registered, or after `ms`. */
  private idRelease(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopListening();
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      const stopListening = this.store.onChange(() => {
        if (!this.cache.brokers.has(this.config.nodeId)) done();
      });
    });
  }

  /** Brings this broker's copies of the topics (HostedTopics), then its leaders and followers, in line with the cache. */
  private sync(): void {
    if (this.closed) return;
    this.hostedTopics.sync();
    this.replicas.update();
  }
}

/** The first sentence of a gRPC error (its message goes on with resolver notes and addresses tried). */
function grpcReason(err: unknown): string {
  return (err as Error).message.split('. ')[0] ?? String(err);
}
