/** A group's partitions of one topic as this instance owns them after a rebalance. */
export interface PartitionChange {
  readonly groupId: string;
  readonly topic: string;
  /** Everything the instance owns now. */
  readonly assigned: readonly number[];
  /** Partitions it owns now and did not before. */
  readonly added: readonly number[];
  /** Partitions it owned before and no longer does. */
  readonly removed: readonly number[];
}

/** The membership news this tracker reads: the shape of @runnel/client's `group-join` event. */
export interface GroupJoin {
  readonly groupId: string;
  readonly generationId: number;
  readonly assigned: readonly { readonly topic: string; readonly partition: number }[];
}

/**
 * What each consumer group of this instance owns, kept from the joins the transport reports.
 * Pure. An eager rebalance revokes everything and assigns again; what matters to the services is
 * the difference between two joins, which this computes (a partition kept across an eager
 * rebalance was consumed by nobody in between, so state built for it stays valid).
 */
export class GroupMembership {
  private readonly owned = new Map<string, ReadonlySet<number>>();
  private readonly generations = new Map<string, number>();

  join({ groupId, generationId, assigned }: GroupJoin, topic: string): PartitionChange {
    const key = `${groupId}\u0000${topic}`;
    const before = this.owned.get(key) ?? new Set<number>();
    const now = new Set(assigned.filter((p) => p.topic === topic).map((p) => p.partition));
    this.owned.set(key, now);
    this.generations.set(groupId, generationId);
    const sorted = (set: Iterable<number>) => [...set].sort((a, b) => a - b);
    return {
      groupId,
      topic,
      assigned: sorted(now),
      added: sorted([...now].filter((p) => !before.has(p))),
      removed: sorted([...before].filter((p) => !now.has(p))),
    };
  }

  /** The partitions of `topic` the group owns here, in order; empty before the first join. */
  partitions(groupId: string, topic: string): number[] {
    return [...(this.owned.get(`${groupId}\u0000${topic}`) ?? [])].sort((a, b) => a - b);
  }

  generation(groupId: string): number | undefined {
    return this.generations.get(groupId);
  }
}

/** The line an instance logs after a rebalance: the partitions it got, or that it is idle. */
export function describeChange({ groupId, topic, assigned, added, removed }: PartitionChange): string {
  if (assigned.length === 0) {
    return `group '${groupId}': no partitions of '${topic}' for this instance; it is idle until a rebalance gives it some${
      removed.length > 0 ? ` (gave up [${removed.join(', ')}])` : ''
    }`;
  }
  const moves = [
    ...(added.length > 0 ? [`got [${added.join(', ')}]`] : []),
    ...(removed.length > 0 ? [`gave up [${removed.join(', ')}]`] : []),
  ];
  return `group '${groupId}': this instance consumes '${topic}' partitions [${assigned.join(', ')}]${
    moves.length > 0 ? ` (${moves.join(', ')})` : ' (unchanged)'
  }`;
}
