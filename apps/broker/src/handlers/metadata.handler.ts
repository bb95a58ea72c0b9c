import {
  ErrorCode,
  type InputOf,
  KafkaError,
  Metadata,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { BrokerEndpoint } from '../network/broker-endpoint.js';
import { PARTITION_LEADER_EPOCH } from '../topics/partition-leadership.js';
import type { TopicInfo, TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof Metadata>;
type Response = InputOf<ResponseOf<typeof Metadata>>;
type TopicMetadata = NonNullable<Response['topics']>[number];

/** `leaderId` of a partition without a leader. */
const NO_LEADER = -1;

/**
 * Metadata v0-9 (v9 flexible). This broker is every partition's leader, sole replica and whole ISR, and the
 * controller. An empty topic list means "all topics" at v0; from v1 that is a null list. A topic
 * that does not exist is created with the broker's defaults when the request allows it (v4+;
 * always before v4) and `auto.create.topics.enable` is on.
 *
 * A partition whose log is offline (it could not be opened, or an I/O error stopped it) has no
 * leader: LEADER_NOT_AVAILABLE, leader -1, this broker in `offlineReplicas` and an empty ISR, as
 * Kafka reports a partition whose only replica sits in a failed log directory.
 */
export class MetadataHandler implements ApiHandler<Request, Response> {
  readonly api = Metadata;

  constructor(
    private readonly topics: TopicManager,
    private readonly endpoint: BrokerEndpoint,
  ) {}

  handle(request: Request, { version }: RequestContext): Response {
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const topics = all
      ? this.topics.allTopics().map((topic) => this.describe(topic))
      : request.topics!.map(({ name }) =>
          this.lookup(name ?? '', request.allowAutoTopicCreation || version < 4),
        );
    return this.response(topics);
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    const topics = (request?.topics ?? []).map(({ name }) => ({
      errorCode,
      name: name ?? '',
      partitions: [],
    }));
    return this.response(topics);
  }

  private response(topics: TopicMetadata[]): Response {
    const { nodeId, host, port } = this.endpoint;
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
