import { ErrorCode, KafkaError } from '@runnel/protocol';
import type { BrokerConnection } from '../connection/broker-connection.js';
import { RunnelError } from '../errors/runnel-error.js';
import type { Cluster } from '../metadata/cluster.js';
import type { ClusterMetadata, TopicMetadata } from '../metadata/cluster-metadata.js';
import type { ResolvedAdminOptions } from './admin-options.js';

/** What every admin operation works with. */
export interface AdminContext {
  readonly cluster: Cluster;
  readonly options: ResolvedAdminOptions;
}

/**
 * A topic that does not exist, found so by fresh metadata. Unlike the wire code it stands for
 * (UNKNOWN_TOPIC_OR_PARTITION, which Kafka marks retriable because metadata may lag), it is final:
 * the admin asked the cluster and the cluster said no.
 */
export class TopicNotFoundError extends RunnelError {
  override name = 'TopicNotFoundError';
  readonly code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;

  constructor(readonly topic: string) {
    super(KafkaError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { context: `topic '${topic}'` }).message);
  }
}

/** The topic from metadata, or TopicNotFoundError; a topic still being created is a retriable KafkaError. */
export function requireTopic(metadata: ClusterMetadata, topic: string): TopicMetadata {
  const found = metadata.topics.get(topic);
  if (found === undefined) throw new TopicNotFoundError(topic);
  if (found.errorCode !== ErrorCode.NONE)
    throw KafkaError.fromCode(found.errorCode, { context: `topic '${topic}'` });
  return found;
}

/**
 * A connection to the controller (topic creation and deletion must go there), or to any broker
 * when the controller is unknown or is not among the brokers listed (KRaft clusters report a
 * random broker; some test brokers report an id of none of theirs).
 */
export function controllerConnection(context: AdminContext): Promise<BrokerConnection> {
  const { cluster } = context;
  const controller = cluster.controllerId;
  const listed = cluster.brokers().some((b) => b.nodeId === controller);
  return listed ? cluster.connection(controller) : cluster.anyConnection();
}

/** Groups items by a key, keeping the order of first appearance. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
