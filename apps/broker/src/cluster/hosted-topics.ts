import type { LoggerService } from '@nestjs/common';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ClusterMetadataCache } from './cluster-metadata-cache.js';

/**
 * This broker's copies of the cluster's topics, kept in line with the metadata cache after every
 * change (`sync`), as a Kafka broker follows LeaderAndIsr and StopReplica (with deletePartition):
 *
 * - every topic in the cache is recorded in meta.json with its partition count, configs and the
 *   create revision of its etcd key (its incarnation), and the logs of the partitions this broker
 *   is a replica of are opened, created empty if new; new configs are given to the open logs;
 * - a copy the cache no longer has, or has at another create revision (deleted, perhaps created
 *   again under the same name), stops being led and followed and is deleted crash-atomically
 *   (TopicManager.removeClusterTopicCopy: rename to `-delete`, meta.json, remove). Only once it
 *   is gone is the new incarnation hosted, so a recreated topic starts empty.
 *
 * The same rule runs at start, against the cache's first full read of etcd, so a broker that was
 * down while a topic was deleted (or deleted and created again) removes the old logs before it
 * registers (`settled`). Copies without a create revision (this broker's own topics) are never
 * touched.
 */
export class HostedTopics {
  /** The mod revision of each topic's key this broker has hosted. */
  private readonly hosted = new Map<string, number>();
  /** Copies being removed, by name: not hosted again until their removal ends. */
  private readonly removing = new Map<string, Promise<void>>();

  constructor(
    private readonly nodeId: number,
    private readonly cache: ClusterMetadataCache,
    private readonly topics: TopicManager,
    private readonly replicas: ReplicaManager,
    private readonly logger: LoggerService,
    /** Called when a removal ends, for the caller to sync again (host the new incarnation, update replicas). */
    private readonly onRemoved: () => void,
  ) {}

  /** Removes the copies the cluster no longer has, then hosts every assignment not hosted at its current revision. */
  sync(): void {
    for (const copy of this.topics.clusterTopicCopies()) {
      if (this.removing.has(copy.name)) continue;
      const current = this.cache.topics.get(copy.name);
      if (current?.createRevision === copy.createRevision) continue;
      this.remove(copy.name, current ? `created again at revision ${current.createRevision}` : 'deleted');
    }
    this.hostAssigned();
  }

  /** Resolves once the removal of `name`'s copy, if one is under way, has ended. */
  removed(name: string): Promise<void> {
    return this.removing.get(name) ?? Promise.resolve();
  }

  /** Resolves once every removal under way (and any it led to) has ended. */
  async settled(): Promise<void> {
    while (this.removing.size > 0) await Promise.all(this.removing.values());
  }

  private remove(name: string, why: string): void {
    const copy = this.topics.topic(name);
    // Leaders resign and fetchers let go before the logs close: nothing appends to a log being deleted.
    this.replicas.dropTopic(name, copy?.partitions ?? 0);
    this.hosted.delete(name);
    const removal = this.topics
      .removeClusterTopicCopy(name)
      .then(
        () => this.logger.log(`topic ${name}: local copy deleted (the cluster's topic was ${why})`),
        (err: unknown) =>
          this.logger.error(`topic ${name}: local copy not deleted (${why}): ${(err as Error).message}`),
      )
      .finally(() => {
        this.removing.delete(name);
        this.onRemoved();
      });
    this.removing.set(name, removal);
  }

  private hostAssigned(): void {
    for (const [topic, { value: assignment, modRevision, createRevision }] of this.cache.topics) {
      if (this.hosted.get(topic) === modRevision || this.removing.has(topic)) continue;
      const mine = assignment.partitions.flatMap((replicas, p) =>
        replicas.includes(this.nodeId) ? [p] : [],
      );
      try {
        this.topics.hostPartitions(
          topic,
          assignment.partitions.length,
          assignment.configs,
          mine,
          createRevision,
        );
        this.hosted.set(topic, modRevision);
      } catch (err) {
        this.logger.error(
          `topic ${topic}: cannot host partitions ${mine.join(', ')}: ${(err as Error).message}`,
        );
      }
    }
  }
}
