import { ErrorCode } from '@runnel/protocol';
import { listenerAddress, NO_LEADER, type TopicAssignment } from './cluster-keys.js';
import type { ClusterMetadataCache } from './cluster-metadata-cache.js';

/** A broker as Metadata lists it. */
export interface MetadataBroker {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: null;
}

/** A partition as Metadata describes it. */
export interface MetadataPartition {
  readonly errorCode: number;
  readonly partitionIndex: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicaNodes: number[];
  readonly isrNodes: number[];
  readonly offlineReplicas: number[];
}

/**
 * Every live broker, by id, at its address on `listenerName` (the listener the request came in
 * on), as Kafka answers; a broker that has no such listener is left out.
 */
export function liveBrokers(cache: ClusterMetadataCache, listenerName: string): MetadataBroker[] {
  return [...cache.brokers.values()]
    .sort((a, b) => a.nodeId - b.nodeId)
    .flatMap((broker) => {
      const address = listenerAddress(broker, listenerName);
      return address ? [{ nodeId: broker.nodeId, host: address.host, port: address.port, rack: null }] : [];
    });
}

/**
 * A topic's partitions as the cache has them, as KRaft's metadata cache reports them: the
 * replicas in assignment order, the ISR and leader epoch of the partition state, and the
 * replicas on brokers that are not live as offline. A partition whose leader is NO_LEADER or not
 * live (the controller has not moved it yet), or whose state has not arrived, is
 * LEADER_NOT_AVAILABLE with leader -1.
 */
export function describePartitions(
  cache: ClusterMetadataCache,
  topic: string,
  assignment: TopicAssignment,
): MetadataPartition[] {
  return assignment.partitions.map((replicas, partitionIndex) => {
    const state = cache.partitionState(topic, partitionIndex)?.value;
    const offlineReplicas = replicas.filter((id) => !cache.brokers.has(id));
    const leaderLive = state !== undefined && state.leader !== NO_LEADER && cache.brokers.has(state.leader);
    return {
      errorCode: leaderLive ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex,
      leaderId: leaderLive ? state.leader : NO_LEADER,
      leaderEpoch: state?.leaderEpoch ?? -1,
      replicaNodes: [...replicas],
      isrNodes: state ? [...state.isr] : [],
      offlineReplicas,
    };
  });
}
