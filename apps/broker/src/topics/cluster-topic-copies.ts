import { KafkaStorageError, type LogManager } from '@runnel/log-store';
import type { BrokerConfig } from '../config/broker-config.js';
import type { StoredTopic } from './broker-metadata-store.js';
import type { TopicCatalog } from './topic-catalog.js';
import { openTopicLogs, reconfigureTopicLogs } from './topic-logs.js';

/** What the TopicManager of a broker in a cluster asks the cluster (ClusterNode). */
export interface ClusterTopics {
  /** Why clients may not read or write the partition here (NOT_LEADER_OR_FOLLOWER), or undefined when they may. */
  notLeaderReason(topic: string, partition: number): string | undefined;
  /** Whether the topic is one of the cluster's, rather than this broker's own (`__consumer_offsets`). */
  isClusterTopic(name: string): boolean;
  /** The partition's leader epoch in the cluster, or undefined for a partition the cluster does not know. */
  leaderEpoch(topic: string, partition: number): number | undefined;
}

/**
 * This broker's copies of cluster topics, as the cluster's metadata hands them down (HostedTopics
 * calls these through TopicManager). A copy is a topic in meta.json with `clusterCreateRevision`,
 * the create revision of its etcd key: its incarnation, so a restart recognises its directories
 * and tells them from a later topic of the same name. Topics of the broker's own (no revision)
 * are never taken for copies. Changes of a copy come only from here: a single broker's admin
 * paths refuse a cluster topic (TopicManager.followCluster), since its changes are written to etcd.
 */
export class ClusterTopicCopies {
  constructor(
    private readonly config: BrokerConfig,
    private readonly catalog: TopicCatalog,
    private readonly logs: LogManager,
  ) {}

  /**
   * Records the topic in meta.json as the cluster assigned it (partition count, configs,
   * incarnation), then opens the logs of `hosted`, created empty if new. Called again with a
   * grown assignment it opens the new partitions; with other configs it gives them to the open
   * logs. A copy of another incarnation must have been removed first (`remove`): its logs are
   * not this topic's (RangeError otherwise; and KafkaStorageError while a failed removal left
   * some of its directories unrenamed).
   */
  host(
    name: string,
    partitions: number,
    configs: Readonly<Record<string, string>>,
    hosted: readonly number[],
    createRevision: number,
  ): void {
    if (this.catalog.isStillRenaming(name)) {
      // A new log under the same name would take one of the old directories. The next start
      // finishes that deletion.
      throw new KafkaStorageError(
        `topic ${name}: the deletion of this broker's previous copy has not finished renaming its directories`,
        this.config.dataDir,
      );
    }
    const known = this.catalog.get(name);
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
      const topic: StoredTopic = {
        name,
        partitions,
        configs: { ...configs },
        clusterCreateRevision: createRevision,
      };
      this.catalog.put(topic);
      if (reconfigured) reconfigureTopicLogs(this.config, this.logs, topic);
    }
    openTopicLogs(this.logs, name, hosted);
  }

  /** Every copy (name and incarnation), for the cluster to find those it no longer has, or has as a later incarnation. */
  list(): { name: string; createRevision: number }[] {
    return [...this.catalog.all()].flatMap(({ name, clusterCreateRevision }) =>
      clusterCreateRevision === undefined ? [] : [{ name, createRevision: clusterCreateRevision }],
    );
  }

  /**
   * Deletes the copy crash-atomically (TopicCatalog.delete); a topic of the broker's own is left
   * alone. It stops being served at once (before the first await).
   */
  async remove(name: string): Promise<void> {
    const topic = this.catalog.get(name);
    if (topic?.clusterCreateRevision === undefined) return;
    await this.catalog.delete(topic, this.logs);
  }
}

function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
