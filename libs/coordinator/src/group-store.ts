import type { GroupRecord } from './group-records.js';

/**
 * Where the coordinator persists groups and committed offsets: for the broker, the partition of
 * `__consumer_offsets` that owns the group (see `offsetsTopicPartitionFor`).
 *
 * `append` writes the records of one group, in order, as one batch, and resolves once they are
 * durable (acks=all). The coordinator changes its state only after the append resolved (a commit
 * becomes visible to OffsetFetch, a leader's assignment reaches the members), so what clients were
 * told always survives a restart. A rejection fails the request that caused the write: a
 * KafkaError's code is translated as Kafka translates log append errors (see `store-errors.ts`),
 * any other error is answered COORDINATOR_NOT_AVAILABLE so that clients retry. The store reports
 * its own failures to whoever watches the broker; the coordinator does not log.
 */
export interface GroupStore {
  append(groupId: string, records: readonly GroupRecord[]): Promise<void>;
}

/**
 * A store that keeps the records in memory, in append order: for tests and for a broker run
 * without persistence. `records` can be handed to `GroupCoordinator.load` of a new coordinator to
 * simulate a restart.
 */
export class InMemoryGroupStore implements GroupStore {
  readonly records: GroupRecord[] = [];

  append(_groupId: string, records: readonly GroupRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
}
