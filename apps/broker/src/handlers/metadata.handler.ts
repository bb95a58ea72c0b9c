import {
  ErrorCode,
  type InputOf,
  KafkaError,
  Metadata,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { describePartitions, liveBrokers } from '../cluster/cluster-metadata-view.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { BrokerEndpoint } from '../network/broker-endpoint.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { PARTITION_LEADER_EPOCH } from '../topics/partition-leadership.js';
import type { TopicInfo, TopicManager } from '../topics/topic-manager.js';
import { INTERNAL_TOPICS } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof Metadata>;
type Response = InputOf<ResponseOf<typeof Metadata>>;
type TopicMetadata = NonNullable<Response['topics']>[number];

/** `leaderId` of a partition without a leader. */
const NO_LEADER = -1;
/** `controllerId` while no controller is elected (Kafka's MetadataResponse.NO_CONTROLLER_ID). */
const NO_CONTROLLER = -1;

/**
 * Metadata v0-9 (v9 flexible). This broker is every partition's leader, sole replica and whole ISR, and the
 * controller. An empty topic list means "all topics" at v0; from v1 that is a null list. A topic
 * that does not exist is created with the broker's defaults when the request allows it (v4+;
 * always before v4) and `auto.create.topics.enable` is on.
 *
 * With `--authorizer acl` only the topics the principal may Describe are listed; see
 * authorizeTopics for the topics asked for by name.
 *
 * A partition whose log is offline (it could not be opened, or an I/O error stopped it) has no
 * leader: LEADER_NOT_AVAILABLE, leader -1, this broker in `offlineReplicas` and an empty ISR, as
 * Kafka reports a partition whose only replica sits in a failed log directory.
 *
 * In a cluster (`cluster` given) the brokers, the controller and the topics come from the
 * cluster's metadata cache (see describePartitions); a topic the cluster does not know but this
 * broker holds by itself (its `__consumer_offsets`) is described as on a single broker, and an
 * auto-created topic is created in the cluster and answered LEADER_NOT_AVAILABLE, as Kafka
 * answers a topic whose leaders are being elected: the client asks again. So is a topic etcd
 * already has but this broker's cache does not yet (created on another broker a moment ago).
 */
export class MetadataHandler implements ApiHandler<Request, Response> {
  readonly api = Metadata;

  constructor(
    private readonly topics: TopicManager,
    private readonly endpoint: BrokerEndpoint,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterNode,
  ) {}

  handle(request: Request, context: RequestContext): Response | Promise<Response> {
    const { version } = context;
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const autoCreate = request.allowAutoTopicCreation || version < 4;
    const { permitted, refused } = this.authorizeTopics(all ? null : request.topics!, autoCreate, context);
    if (this.cluster) {
      return this.clusterResponse(this.cluster, permitted, autoCreate, context.connection.listenerName).then(
        (response) => this.describable(response, refused, context),
      );
    }
    const topics = all
      ? this.topics.allTopics().map((topic) => this.describe(topic))
      : permitted!.map(({ name }) => this.lookup(name ?? '', autoCreate));
    return this.describable(this.response(topics, context.connection.listenerName), refused, context);
  }

  /**
   * As Kafka's handleTopicMetadataRequest: a topic asked for without Describe on it is
   * TOPIC_AUTHORIZATION_FAILED, and so is one that does not exist and would be auto-created
   * without Create on the cluster or the topic; the others go on to be looked up.
   */
  private authorizeTopics(
    wanted: Request['topics'],
    autoCreate: boolean,
    context: RequestContext,
  ): { permitted: Request['topics']; refused: TopicMetadata[] } {
    if (wanted === null) return { permitted: null, refused: [] };
    const refused: TopicMetadata[] = [];
    const permitted = wanted.filter(({ name }) => {
      const topic = name ?? '';
      const creates = autoCreate && this.topics.autoCreateEnabled && !this.exists(topic);
      const allowed =
        this.authorizer.topic(context, AclOperation.DESCRIBE, topic) &&
        (!creates ||
          this.authorizer.cluster(context, AclOperation.CREATE) ||
          this.authorizer.topic(context, AclOperation.CREATE, topic));
      if (!allowed)
        refused.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: topic, partitions: [] });
      return allowed;
    });
    return { permitted, refused };
  }

  private exists(name: string): boolean {
    return this.topics.topic(name) !== undefined || this.cluster?.cache.topics.has(name) === true;
  }

  /** `response` with only the topics the principal may Describe (all topics are filtered so), then the refused ones. */
  private describable(response: Response, refused: TopicMetadata[], context: RequestContext): Response {
    const topics = (response.topics ?? []).filter(({ name }) =>
      this.authorizer.topic(context, AclOperation.DESCRIBE, name ?? ''),
    );
    return { ...response, topics: [...topics, ...refused] };
  }

  private async clusterResponse(
    cluster: ClusterNode,
    wanted: Request['topics'],
    autoCreate: boolean,
    listenerName: string,
  ): Promise<Response> {
    const { cache } = cluster;
    const names = wanted === null ? [...cache.topics.keys()] : wanted.map(({ name }) => name ?? '');
    const topics = await Promise.all(
      names.map(async (name): Promise<TopicMetadata> => {
        const assignment = cache.topics.get(name)?.value;
        if (assignment) {
          return {
            errorCode: ErrorCode.NONE,
            name,
            isInternal: INTERNAL_TOPICS.has(name),
            partitions: describePartitions(cache, name, assignment),
          };
        }
        const local = this.topics.topic(name);
        if (local) return this.describe(local);
        if (!autoCreate || !this.topics.autoCreateEnabled) {
          const pending = await cluster.isBeingCreated(name);
          const errorCode = pending ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return { errorCode, name, partitions: [] };
        }
        try {
          await cluster.createTopic(name, { numPartitions: -1, replicationFactor: -1 });
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          if (err.code !== ErrorCode.TOPIC_ALREADY_EXISTS)
            return { errorCode: err.code, name, partitions: [] };
        }
        return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, name, partitions: [] };
      }),
    );
    return {
      throttleTimeMs: 0,
      brokers: liveBrokers(cache, listenerName),
      clusterId: cluster.clusterId,
      controllerId: cache.controller?.value.brokerId ?? NO_CONTROLLER,
      topics,
    };
  }

  errorResponse(request: Request | null, errorCode: number, { connection }: RequestContext): Response {
    const topics = (request?.topics ?? []).map(({ name }) => ({
      errorCode,
      name: name ?? '',
      partitions: [],
    }));
    return this.response(topics, connection.listenerName);
  }

  /** This broker as the listener the request came in on advertises it, as Kafka answers. */
  private response(topics: TopicMetadata[], listenerName: string): Response {
    const { nodeId, host, port } = this.endpoint.advertised(listenerName);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId: this.topics.clusterId,
      controllerId: nodeId,
      topics,
    };
  }

  private lookup(name: string, allowAutoCreate: boolean): TopicMetadata {
    const existing = this.topics.topic(name);
    if (existing) return this.describe(existing);
    try {
      const created = allowAutoCreate ? this.topics.autoCreate(name) : undefined;
      if (created) return this.describe(created);
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] };
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return { errorCode: err.code, name, partitions: [] };
    }
  }

  private describe(topic: TopicInfo): TopicMetadata {
    const { nodeId } = this.endpoint;
    return {
      errorCode: ErrorCode.NONE,
      name: topic.name,
      isInternal: topic.internal,
      partitions: Array.from({ length: topic.partitions }, (_, partitionIndex) =>
        this.topics.isPartitionOnline(topic.name, partitionIndex)
          ? {
              errorCode: ErrorCode.NONE,
              partitionIndex,
              leaderId: nodeId,
              leaderEpoch: PARTITION_LEADER_EPOCH,
              replicaNodes: [nodeId],
              isrNodes: [nodeId],
              offlineReplicas: [],
            }
          : {
              errorCode: ErrorCode.LEADER_NOT_AVAILABLE,
              partitionIndex,
              leaderId: NO_LEADER,
              leaderEpoch: PARTITION_LEADER_EPOCH,
              replicaNodes: [nodeId],
              isrNodes: [],
              offlineReplicas: [nodeId],
            },
      ),
    };
  }
}
