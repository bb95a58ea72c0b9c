import type { Cluster } from '../../metadata/cluster.js';
import { partitionCountsOf } from './membership-requests.js';

/**
 * The leader's watch over the topics its assignment was made for, as Java's leader keeps an
 * assignment snapshot: when a topic gains partitions (or a subscribed topic is created or
 * deleted), the assignment is out of date and the group must rebalance so that every partition
 * is consumed. The counts come from the cluster's metadata cache, which asks a broker again once
 * its entries are older than `metadataMaxAgeMs`; `check` is cheap enough for every heartbeat.
 */
export class AssignedTopicsWatch {
  #assignedOver: ReadonlyMap<string, number | undefined> | null = null;
  #checking = false;

  constructor(private readonly cluster: Cluster) {}

  /** The counts the new assignment was made over; null when this member does not lead. */
  watch(assignedOver: ReadonlyMap<string, number | undefined> | null): void {
    this.#assignedOver = assignedOver;
  }

  /**
   * Compares the current counts with the watched ones and calls `outdated` with the reason when
   * one differs, unless `watch` moved on meanwhile. One check at a time; a failed metadata
   * request is left to the next check.
   */
  check(outdated: (reason: string) => void): void {
    const assignedOver = this.#assignedOver;
    if (assignedOver === null || this.#checking) return;
    this.#checking = true;
    this.cluster
      .metadata([...assignedOver.keys()])
      .then(
        () => {
          if (assignedOver !== this.#assignedOver) return;
          const now = partitionCountsOf(this.cluster, assignedOver.keys());
          const changed = [...assignedOver].find(([topic, count]) => now.get(topic) !== count);
          if (changed === undefined) return;
          const [topic, before] = changed;
          outdated(
            `topic '${topic}' has ${now.get(topic) ?? 'no'} partitions, the assignment was made for ${before ?? 'none'}`,
          );
        },
        () => {},
      )
      .finally(() => {
        this.#checking = false;
      });
  }
}
