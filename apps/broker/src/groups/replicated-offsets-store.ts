import { encodeGroupRecord, type GroupRecord, type GroupStore } from '@runnel/coordinator';
import { ErrorCode, encodeRecordBatch, errorByCode, KafkaError } from '@runnel/protocol';
import { awaitReplicated, checkInsyncReplicas } from '../produce/replicated-acks.js';
import type { LeaderPartition } from '../replication/leader-partition.js';

export interface ReplicatedOffsetsOptions {
  /** `min.insync.replicas`: fewest in-sync replicas a group write needs, as an acks=-1 produce. */
  readonly minInsyncReplicas: number;
  /** `offsets.commit.timeout.ms`: how long a write waits for every in-sync replica. */
  readonly commitTimeoutMs: number;
}

/**
 * The `GroupStore` of the groups of ONE partition of a cluster's `__consumer_offsets`, written
 * as Kafka's GroupMetadataManager writes it (`offsets.commit.required.acks` -1): each append is
 * one record batch, stamped with the leader epoch, appended on this broker's log of the
 * partition while it leads it, and resolved only once it is fsynced here AND every in-sync replica
 * has it (the high watermark passed it), so a commit the client was told of survives the loss of
 * any one broker. `leader()` gives the partition as this broker leads it now, undefined once it
 * does not (or once its coordinator was unloaded).
 *
 * Rejects with a KafkaError the coordinator translates (store-errors.ts): NOT_LEADER_OR_FOLLOWER
 * (NOT_COORDINATOR) when this broker does not lead the partition or stopped leading it before the
 * ISR had the batch, NOT_ENOUGH_REPLICAS (COORDINATOR_NOT_AVAILABLE) before the append when the ISR
 * is below `min.insync.replicas`, NOT_ENOUGH_REPLICAS_AFTER_APPEND after it, REQUEST_TIMED_OUT.
 */
export class ReplicatedOffsetsStore implements GroupStore {
  constructor(
    private readonly leader: () => LeaderPartition | undefined,
    private readonly options: ReplicatedOffsetsOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async append(groupId: string, records: readonly GroupRecord[]): Promise<void> {
    if (records.length === 0) return;
    const timestamp = this.now();
    const batch = await encodeRecordBatch({
      records: records.map((record) => ({ ...encodeGroupRecord(record), timestamp })),
    });
    // Looked up after the encoding's await: leadership may have moved meanwhile.
    const leader = this.leader();
    if (!leader || leader.resigned) {
      throw refused(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        `this broker no longer leads the __consumer_offsets partition of group '${groupId}'`,
      );
    }
    checkInsyncReplicas(leader, this.options.minInsyncReplicas);
    const { log } = leader;
    log.append(log.validate(batch, { origin: 'coordinator' }), leader.leaderEpoch);
    const endOffset = log.logEndOffset;
    await log.flush();
    const code = await awaitReplicated(
      leader,
      endOffset,
      this.options.minInsyncReplicas,
      this.options.commitTimeoutMs,
    );
    if (code !== ErrorCode.NONE) {
      throw refused(
        code,
        `the write of group '${groupId}' to ${leader.topic}-${leader.partition} did not reach every in-sync replica`,
      );
    }
  }
}

function refused(code: number, message: string): KafkaError {
  return new KafkaError(errorByCode(code), { message });
}
