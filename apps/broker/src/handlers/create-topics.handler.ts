import {
  CreateTopics,
  ErrorCode,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { describeTopicConfigs } from '../topics/config-descriptions.js';
import { errorMessageOf } from '../topics/topic-admin-error.js';
import type { TopicInfo, TopicManager } from '../topics/topic-manager.js';
import { namesGivenTwice } from '../topics/topic-validation.js';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof CreateTopics>;
type Response = InputOf<ResponseOf<typeof CreateTopics>>;
type TopicResult = NonNullable<Response['topics']>[number];

/** Every partition of this broker has one replica: itself. */
const REPLICATION_FACTOR = 1;

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
 */
export class CreateTopicsHandler implements ApiHandler<Request, Response> {
  readonly api = CreateTopics;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
  ) {}

  handle(request: Request): Response {
    const duplicates = namesGivenTwice(request.topics.map(({ name }) => name));
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic): TopicResult => {
        if (duplicates.has(topic.name)) {
          return failed(topic.name, ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.');
        }
        try {
          const created = this.topics.createTopic(topic.name, {
            numPartitions: topic.numPartitions,
            replicationFactor: topic.replicationFactor,
            assignments: topic.assignments,
            configs: Object.fromEntries(topic.configs.map(({ name, value }) => [name, value])),
            validateOnly: request.validateOnly,
          });
          return this.succeeded(created);
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return failed(topic.name, err.code, errorMessageOf(err));
        }
      }),
    };
  }

  private succeeded(topic: TopicInfo): TopicResult {
    return {
      name: topic.name,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      numPartitions: topic.partitions,
      replicationFactor: REPLICATION_FACTOR,
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

function failed(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
}
