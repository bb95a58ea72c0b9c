import type { OffsetAndMetadata, TopicPartition } from './offset-and-metadata.js';

/**
 * The committed offsets of one group, by topic and partition, and the commits still being
 * written. A partition with a commit in flight is never expired: the tombstone would land in the
 * log after the commit and delete it on replay while memory kept it.
 */
export class GroupOffsets {
  readonly #committed = new Map<string, Map<number, OffsetAndMetadata>>();
  /** Number of commits being written, per topic then partition. */
  readonly #pending = new Map<string, Map<number, number>>();

  get size(): number {
    let n = 0;
    for (const partitions of this.#committed.values()) n += partitions.size;
    return n;
  }

  get(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.#committed.get(topic)?.get(partition);
  }

  set(topic: string, partition: number, value: OffsetAndMetadata): void {
    let partitions = this.#committed.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.#committed.set(topic, partitions);
    }
    partitions.set(partition, value);
  }

  delete(topic: string, partition: number): void {
    const partitions = this.#committed.get(topic);
    if (partitions === undefined) return;
    partitions.delete(partition);
    if (partitions.size === 0) this.#committed.delete(topic);
  }

  /** Every committed offset, topics and partitions in the order they were first committed. */
  *entries(): IterableIterator<TopicPartition & { readonly value: OffsetAndMetadata }> {
    for (const [topic, partitions] of this.#committed) {
      for (const [partition, value] of partitions) yield { topic, partition, value };
    }
  }

  /** Whether any commit of the group is being written. */
  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  isPending(topic: string, partition: number): boolean {
    return (this.#pending.get(topic)?.get(partition) ?? 0) > 0;
  }

  beginPending(topic: string, partition: number): void {
    let partitions = this.#pending.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.#pending.set(topic, partitions);
    }
    partitions.set(partition, (partitions.get(partition) ?? 0) + 1);
  }

  endPending(topic: string, partition: number): void {
    const partitions = this.#pending.get(topic);
    const count = partitions?.get(partition);
    if (partitions === undefined || count === undefined) return;
    if (count > 1) partitions.set(partition, count - 1);
    else {
      partitions.delete(partition);
      if (partitions.size === 0) this.#pending.delete(topic);
    }
  }
}
