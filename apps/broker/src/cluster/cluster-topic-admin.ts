import { ErrorCode } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { TopicAdminError } from '../topics/topic-admin-error.js';
import {
  alteredTopicConfigs,
  type ConfigAlteration,
  type ConfigReplacement,
  replacedTopicConfigs,
} from '../topics/topic-config-alterations.js';
import { ClusterFencedError } from './cluster-fenced-error.js';
import type { PartitionState, TopicAssignment } from './cluster-keys.js';
import type { Revisioned } from './cluster-metadata-cache.js';
import type { ClusterMetadataStore, Fence, Registration } from './cluster-metadata-store.js';
import { type PartitionsRequest, planNewPartitions } from './cluster-topic-plan.js';
import type { HostedTopics } from './hosted-topics.js';
import { initialPartitionState } from './partition-election.js';

/** How long a change waits for this broker's own watch to show it before answering. */
const CAUGHT_UP_TIMEOUT_MS = 5000;
/**
 * How many times a change is planned before the client is told to retry. Each lost attempt means
 * another change of the same topic committed between the read and the compared write (some
 * writer wins every round), so this many attempts lose only to as many changes made meanwhile.
 */
const MAX_ATTEMPTS = 20;

/**
 * DeleteTopics, CreatePartitions, IncrementalAlterConfigs and AlterConfigs of the cluster's
 * topics, on any broker, as Kafka's ZooKeeper mode made them but without a controller round trip:
 * each is one etcd transaction fenced by this broker's registration (ClusterFencedError,
 * NOT_CONTROLLER on the wire, once it is gone) and compared against the topic key the change was
 * planned from:
 *
 * - deletion removes the topic key and every partition state under it at once, requiring the key
 *   to be the incarnation (create revision) that was read. There is no `admin/delete_topics`
 *   marker to finish: a broker that dies before the commit deleted nothing, one that dies after
 *   it deleted everything in etcd, and every broker deletes its own logs from what etcd says
 *   (HostedTopics), through the watch or at its next start;
 * - new partitions and new configs replace the topic key if its mod revision is still the one
 *   read, new partitions with their initial states in the same transaction; when another change
 *   came first the change is planned again on top of it (up to MAX_ATTEMPTS).
 *
 * Each resolves once this broker's cache has the change (its Metadata and DescribeConfigs show
 * it) and, for a deletion, its own copy is deleted; the other brokers follow through their watches.
 */
export class ClusterTopicAdmin {
  constructor(
    private readonly store: ClusterMetadataStore,
    private readonly config: BrokerConfig,
    private readonly registration: () => Registration | undefined,
    private readonly hosted: HostedTopics,
  ) {}

  /** Whether `name` is a topic of the cluster (as this broker's cache knows it). */
  has(name: string): boolean {
    return this.store.cache.topics.has(name);
  }

  /** The configs the cluster's topic sets, or undefined for a topic the cluster does not have. */
  configsOf(name: string): Readonly<Record<string, string>> | undefined {
    return this.store.cache.topics.get(name)?.value.configs;
  }

  /**
   * Deletes the topic as the cache knows it (its create revision), or the incarnation etcd has
   * when it was created again since: the client named the topic, not one incarnation of it.
   * UNKNOWN_TOPIC_OR_PARTITION when the cache does not have it, or etcd no longer does.
   */
  async deleteTopic(name: string): Promise<void> {
    let createRevision = this.store.cache.topics.get(name)?.createRevision;
    for (let attempt = 0; createRevision !== undefined; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw conflict(name, 'deleted');
      const result = await this.store.deleteTopic(name, createRevision, this.fence(name, 'deleted'));
      if (result === null) break;
      if ('deletedAt' in result) {
        await this.store.caughtUp(result.deletedAt, CAUGHT_UP_TIMEOUT_MS);
        await this.hosted.removed(name);
        return;
      }
      createRevision = result.recreatedAt;
    }
    throw unknownTopic(name);
  }

  /** Grows a topic to `request.count` partitions (planNewPartitions); validateOnly checks only. */
  async createPartitions(name: string, request: PartitionsRequest, validateOnly: boolean): Promise<void> {
    await this.change(
      name,
      'changed',
      (current) => {
        const added = planNewPartitions(name, current.partitions, request, [
          ...this.store.cache.brokers.keys(),
        ]);
        const controllerEpoch = this.store.cache.controllerEpoch?.value ?? 0;
        const first = current.partitions.length;
        return {
          assignment: { partitions: [...current.partitions, ...added], configs: current.configs },
          newStates: new Map(
            added.map((replicas, i) => [first + i, initialPartitionState(replicas, controllerEpoch)]),
          ),
        };
      },
      validateOnly,
    );
  }

  /** Applies IncrementalAlterConfigs' `alterations` to a topic's configs (INVALID_CONFIG as CreateTopics); validateOnly checks only. */
  async alterTopicConfigs(
    name: string,
    alterations: readonly ConfigAlteration[],
    validateOnly: boolean,
  ): Promise<void> {
    await this.reconfigure(
      name,
      (current) => alteredTopicConfigs(this.config, current, alterations),
      validateOnly,
    );
  }

  /**
   * AlterConfigs: the topic's configs become exactly `replacements` (replacedTopicConfigs), every
   * config not named back to the default; validateOnly checks only.
   */
  async replaceTopicConfigs(
    name: string,
    replacements: readonly ConfigReplacement[],
    validateOnly: boolean,
  ): Promise<void> {
    await this.reconfigure(name, () => replacedTopicConfigs(replacements), validateOnly);
  }

  /** Writes the configs `configsOf` plans from the topic key's, with its partitions unchanged. */
  private async reconfigure(
    name: string,
    configsOf: (current: Readonly<Record<string, string>>) => Record<string, string>,
    validateOnly: boolean,
  ): Promise<void> {
    await this.change(
      name,
      'reconfigured',
      (current) => ({
        assignment: { partitions: current.partitions, configs: configsOf(current.configs) },
        newStates: new Map(),
      }),
      validateOnly,
    );
  }

  /** Plans `plan` on the topic as last read and writes it compared to that read, planning again on a newer one. */
  private async change(
    name: string,
    verb: string,
    plan: (current: TopicAssignment) => {
      assignment: TopicAssignment;
      newStates: ReadonlyMap<number, PartitionState>;
    },
    validateOnly: boolean,
  ): Promise<void> {
    let current: Revisioned<TopicAssignment> | undefined = this.store.cache.topics.get(name);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!current) throw unknownTopic(name);
      const { assignment, newStates } = plan(current.value);
      if (validateOnly) return;
      const result = await this.store.updateTopic(
        name,
        current.modRevision,
        assignment,
        newStates,
        this.fence(name, verb),
      );
      if ('writtenAt' in result) {
        await this.store.caughtUp(result.writtenAt, CAUGHT_UP_TIMEOUT_MS);
        return;
      }
      current = result.current;
    }
    throw conflict(name, verb);
  }

  private fence(name: string, verb: string): Fence {
    const registration = this.registration();
    if (!registration) {
      throw new ClusterFencedError(
        `Topic '${name}' was not ${verb}: broker ${this.config.nodeId} is not registered in the cluster; it is rejoining.`,
      );
    }
    return registration.fence;
  }
}

function unknownTopic(name: string): TopicAdminError {
  return new TopicAdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
}

function conflict(name: string, verb: string): TopicAdminError {
  return new TopicAdminError(
    ErrorCode.REQUEST_TIMED_OUT,
    `Topic '${name}' was not ${verb}: other brokers changed it ${MAX_ATTEMPTS} times while this one tried; try again.`,
  );
}
