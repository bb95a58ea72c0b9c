import { ErrorCode } from '@runnel/protocol';
import type { LeaderPartition } from '../replication/leader-partition.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { ProduceError } from './produce-error.js';

/** What acks=-1 needs of a cluster: the partitions this broker leads, and `min.insync.replicas`. */
export interface ProduceReplication {
  readonly replicas: ReplicaManager;
  readonly minInsyncReplicas: number;
}

/**
 * acks=-1 on a partition this broker leads, before the append (Kafka's
 * Partition.appendRecordsToLeader): NOT_ENOUGH_REPLICAS when the ISR is smaller than
 * `min.insync.replicas`, nothing appended.
 */
export function checkInsyncReplicas(leader: LeaderPartition, minInsyncReplicas: number): void {
  if (leader.isr.length >= minInsyncReplicas) return;
  throw new ProduceError(
    ErrorCode.NOT_ENOUGH_REPLICAS,
    `The ISR of ${leader.topic}-${leader.partition} is [${leader.isr.join(', ')}], fewer than min.insync.replicas (${minInsyncReplicas}); nothing was appended`,
  );
}

/**
 * acks=-1 after the append: resolves once every in-sync replica has the records below
 * `endOffset` (the high watermark reached it), with NONE, or with the code to answer:
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR then is smaller than `min.insync.replicas` (as
 * Kafka's DelayedProduce), REQUEST_TIMED_OUT when `timeoutMs` passed first,
 * NOT_LEADER_OR_FOLLOWER when this broker stopped leading the partition meanwhile.
 */
export async function awaitReplicated(
  leader: LeaderPartition,
  endOffset: bigint,
  minInsyncReplicas: number,
  timeoutMs: number,
): Promise<number> {
  const reached = await leader.awaitHighWatermark(endOffset, timeoutMs);
  if (!reached) return leader.resigned ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.REQUEST_TIMED_OUT;
  return leader.isr.length < minInsyncReplicas ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
}
