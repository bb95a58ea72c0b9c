import {
  CreateTopics,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { describeTopicConfigs } from '../topics/config-descriptions.js';
import { errorMessageOf } from '../topics/topic-admin-error.js';
import type { CreateTopicRequest, TopicInfo, TopicManager } from '../topics/topic-manager.js';
import { namesGivenTwice } from '../topics/topic-validation.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof CreateTopics>;
type Response = InputOf<ResponseOf<typeof CreateTopics>>;
type TopicResult = NonNullable<Response['topics']>[number];
type WantedTopic = Request['topics'][number];

/** On a single broker every partition has one replica: the broker itself. */
const SINGLE_NODE_REPLICATION_FACTOR = 1;

/**
 * CreateTopics v0-7. Every topic is answered on its own, in request order: one that fails
 * (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR,
 * INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, ...) never stops the others. A name given more than
 * once is refused with INVALID_REQUEST for each of its entries and none of them is created, as
 * Kafka does. `validateOnly` (v1+) checks without creating; `errorMessage` (v1+) says why in
 * words. Creation is complete when the response is sent, so `timeoutMs` is not waited on.
 *
 * From v5 a created (or validated) topic's result says what it got: its partition count, its
 * replication factor (1) and every config as DescribeConfigs would list it; a failed topic keeps
 * -1, -1 and null configs, as Kafka answers. v7's `topicId` is the zero UUID, Kafka's "no id":
 * this broker assigns no topic ids (it serves Metadata to v9 and Fetch to v12, the versions
 * before topic ids), so there is none to tell.
 *
 * With `--authorizer acl` a topic needs Create on the cluster or on the topic, else
 * TOPIC_AUTHORIZATION_FAILED.
 *
 * In a cluster (`cluster` given) the topic is checked against the live brokers and written to
 * etcd with its assignment (ClusterNode.createTopic): a replication factor above the live
 * brokers is INVALID_REPLICATION_FACTOR, a broker that lost its registration answers
 * NOT_CONTROLLER. The response is sent once etcd has the topic; each broker creates its logs
 * when the assignment reaches it, and clients wait for leaders through Metadata.
 */
export class CreateTopicsHandler implements ApiHandler<Request, Response> {
  readonly api = CreateTopics;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly authorizer: Authorizer,
    private readonly cluster?: ClusterNode,
  ) {}

  handle(request: Request, context: RequestContext): Response | Promise<Response> {
    const mayCreateAll = this.authorizer.cluster(context, AclOperation.CREATE);
    const duplicates = namesGivenTwice(request.topics.map(({ name }) => name));
    const results = request.topics.map((topic): TopicResult | Promise<TopicResult> => {
      if (duplicates.has(topic.name)) {
        return failed(topic.name, ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.');
      }
      if (!mayCreateAll && !this.authorizer.topic(context, AclOperation.CREATE, topic.name)) {
        return failed(topic.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
      }
      const wanted = creation(topic, request.validateOnly);
      return this.cluster
        ? this.createInCluster(this.cluster, topic.name, wanted)
        : this.createHere(topic.name, wanted);
    });
    if (!this.cluster) return { throttleTimeMs: 0, topics: results as TopicResult[] };
    return Promise.all(results).then((topics) => ({ throttleTimeMs: 0, topics }));
  }

  private createHere(name: string, wanted: CreateTopicRequest): TopicResult {
    try {
      return this.succeeded(this.topics.createTopic(name, wanted), SINGLE_NODE_REPLICATION_FACTOR);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return failed(name, err.code, errorMessageOf(err));
    }
  }

  private async createInCluster(
    cluster: ClusterNode,
    name: string,
    wanted: CreateTopicRequest,
  ): Promise<TopicResult> {
    try {
      const { partitions, configs } = await cluster.createTopic(name, wanted);
      const topic = { name, partitions: partitions.length, configs, internal: false };
      return this.succeeded(topic, partitions[0]?.length ?? 0);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return failed(name, err.code, errorMessageOf(err));
    }
  }

  private succeeded(topic: TopicInfo, replicationFactor: number): TopicResult {
    return {
      name: topic.name,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      numPartitions: topic.partitions,
      replicationFactor,
      configs: describeTopicConfigs(this.config, topic.configs).map(({ name, value, readOnly, source }) => ({
        name,
        value,
        readOnly,
        configSource: source,
        isSensitive: false,
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      topics: (request?.topics ?? []).map(({ name }) => failed(name, errorCode, null)),
    };
  }
}

function creation(topic: WantedTopic, validateOnly: boolean): CreateTopicRequest {
  return {
    numPartitions: topic.numPartitions,
    replicationFactor: topic.replicationFactor,
    assignments: topic.assignments,
    configs: Object.fromEntries(topic.configs.map(({ name, value }) => [name, value])),
    validateOnly,
  };
}

function failed(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
}
