import type { LoggerService } from '@nestjs/common';
import { KafkaStorageError, LogManager } from '@runnel/log-store';
import { ErrorCode } from '@runnel/protocol';
import { type BrokerMetadata, BrokerMetadataStore, type StoredTopic } from './broker-metadata-store.js';
import { TopicAdminError } from './topic-admin-error.js';

/**
 * The topics meta.json names (BrokerMetadataStore), and the one rule that keeps it in step with
 * the partition directories: a topic is written to meta.json before any directory of it is made,
 * and dropped from it only after every directory of it is renamed for deletion. So a partition
 * directory meta.json does not name was not made by this broker's own steps (the LogManager sets
 * it aside as `-stray`), and a topic meta.json names either has its directories or is part-way
 * through a deletion that the next start finishes (`finishInterruptedDeletions`).
 *
 * A topic being deleted keeps its name taken until its directories are gone; until every
 * directory of one is renamed it is still written to meta.json.
 */
export class TopicCatalog {
  private readonly topics = new Map<string, StoredTopic>();
  /** Topics being deleted, by name; `renamed` once every directory of one is renamed for deletion. */
  private readonly deleting = new Map<string, { topic: StoredTopic; renamed: boolean }>();
  private readonly store: BrokerMetadataStore;
  readonly clusterId: string;

  /** Reads meta.json and finishes the deletions a crash interrupted, before any log is opened. */
  constructor(
    private readonly dataDir: string,
    private readonly nodeId: number,
    private readonly logger: LoggerService,
  ) {
    this.store = new BrokerMetadataStore(dataDir);
    const metadata = this.store.load(nodeId);
    this.clusterId = metadata.clusterId;
    for (const topic of metadata.topics) this.topics.set(topic.name, topic);
    this.finishInterruptedDeletions();
  }

  /** Topics a crash left part-renamed for deletion are deleted from meta.json. */
  private finishInterruptedDeletions(): void {
    const finished = LogManager.finishInterruptedDeletions(this.dataDir, this.topics.values());
    if (finished.length === 0) return;
    for (const name of finished) {
      this.topics.delete(name);
      this.logger.warn(`topic ${name}: finished its deletion, which a crash had interrupted`);
    }
    this.persist();
  }

  get(name: string): StoredTopic | undefined {
    return this.topics.get(name);
  }

  /** The topic, or UNKNOWN_TOPIC_OR_PARTITION (a TopicAdminError). */
  require(name: string): StoredTopic {
    const topic = this.topics.get(name);
    if (!topic) {
      throw new TopicAdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    }
    return topic;
  }

  all(): IterableIterator<StoredTopic> {
    return this.topics.values();
  }

  names(): IterableIterator<string> {
    return this.topics.keys();
  }

  /** Whether a topic is being deleted (its name is still taken). */
  isBeingDeleted(name: string): boolean {
    return this.deleting.has(name);
  }

  /** Whether a deletion of `name` failed before every directory of it was renamed (the next start finishes it). */
  isStillRenaming(name: string): boolean {
    return this.deleting.get(name)?.renamed === false;
  }

  /** Records a topic (new, or with a new partition count, configs or incarnation) in meta.json. */
  put(topic: StoredTopic): void {
    this.topics.set(topic.name, topic);
    this.persist();
  }

  /** Writes a change made to a recorded topic's fields to meta.json. */
  persist(): void {
    const beingRenamed = [...this.deleting.values()].filter((d) => !d.renamed).map((d) => d.topic);
    const metadata: BrokerMetadata = {
      clusterId: this.clusterId,
      nodeId: this.nodeId,
      topics: [...this.topics.values(), ...beingRenamed],
    };
    this.store.save(metadata);
  }

  /**
   * Deletes a topic, crash-atomically, in Kafka's order: (1) every partition's log is closed and
   * its directory renamed `<topic>-<partition>.<uniqueId>-delete`; (2) the topic is removed from
   * meta.json; (3) the renamed directories are removed. A crash in (1) leaves the topic in
   * meta.json with some directory renamed: the next start finishes the deletion (renames the
   * rest, then (2)). A crash after (2) leaves renamed directories, which the next start removes.
   * The topic stops being known at once (before the first await), and its name cannot be taken
   * again until (3) is done; if removing fails, the name stays taken until the next start
   * removes them.
   */
  async delete(topic: StoredTopic, logs: LogManager): Promise<void> {
    const { name } = topic;
    const pending = { topic, renamed: false };
    this.topics.delete(name);
    this.deleting.set(name, pending);
    const renamed: string[] = [];
    for (let p = 0; p < topic.partitions; p++) {
      const dirName = await logs.markForDeletion(name, p);
      if (dirName !== undefined) renamed.push(dirName);
    }
    pending.renamed = true;
    this.persist();
    try {
      logs.removeMarkedForDeletion(renamed);
    } catch (err) {
      if (!(err instanceof KafkaStorageError)) throw err;
      this.logger.error(`topic ${name} is deleted, but its directories are not removed yet: ${err.message}`);
      return;
    }
    this.deleting.delete(name);
  }
}
