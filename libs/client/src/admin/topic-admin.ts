import { CreatePartitions, CreateTopics, DeleteTopics, ErrorCode, KafkaError } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { type AdminContext, controllerConnection, requireTopic } from './admin-context.js';
import { errorFor, throwCollected } from './admin-errors.js';
import { withRetries } from './admin-retry.js';
import type { TopicConfig, TopicDescription } from './admin-types.js';
import { listOffsets } from './offset-admin.js';

function requireTopicNames(operation: string, topics: unknown): asserts topics is unknown[] {
  if (!Array.isArray(topics) || topics.length === 0) {
    throw new RunnelError(`${operation}: topics must be a non-empty array`);
  }
}

function topicName(operation: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 249) {
    throw new RunnelError(
      `${operation}: topic name ${JSON.stringify(value)} must be a string of 1 to 249 characters`,
    );
  }
  return value;
}

/** After a retriable NOT_CONTROLLER the controller may have moved: learn it again. */
function refreshController(context: AdminContext): () => Promise<unknown> {
  return () => context.cluster.refreshMetadata([]);
}

/** Throws NOT_CONTROLLER when any result says so, so that `withRetries` sends again to the new controller. */
function throwIfNotController(operation: string, codes: readonly number[]): void {
  if (codes.includes(ErrorCode.NOT_CONTROLLER)) {
    throw KafkaError.fromCode(ErrorCode.NOT_CONTROLLER, { context: operation });
  }
}

export interface CreateTopicsOptions {
  topics: TopicConfig[];
  /** Check the request without creating anything. Default false. */
  validateOnly?: boolean;
  /** Resolve only once every partition of the new topics has a leader. Default true, as kafkajs. */
  waitForLeaders?: boolean;
  /** Overrides the admin's `timeoutMs`. */
  timeoutMs?: number;
}

/**
 * Creates topics; true when at least one was created, false when every one existed already
 * (TOPIC_ALREADY_EXISTS is not an error here, as in kafkajs). Any other error names its topic.
 */
export async function createTopics(context: AdminContext, options: CreateTopicsOptions): Promise<boolean> {
  requireTopicNames('createTopics', options?.topics);
  const topics = options.topics.map((t) => ({ ...t, topic: topicName('createTopics', t?.topic) }));
  const timeoutMs = options.timeoutMs ?? context.options.timeoutMs;
  const response = await withRetries(
    context.options,
    async () => {
      const connection = await controllerConnection(context);
      const answer = await connection.request(CreateTopics, {
        topics: topics.map((t) => ({
          name: t.topic,
          numPartitions: t.numPartitions ?? -1,
          replicationFactor: t.replicationFactor ?? -1,
          assignments: (t.replicaAssignment ?? []).map((a) => ({
            partitionIndex: a.partition,
            brokerIds: a.replicas,
          })),
          configs: (t.configEntries ?? []).map((e) => ({ name: e.name, value: e.value })),
        })),
        timeoutMs,
        validateOnly: options.validateOnly ?? false,
      });
      throwIfNotController(
        'createTopics',
        answer.topics.map((t) => t.errorCode),
      );
      return answer;
    },
    refreshController(context),
  );
  const errors: Error[] = [];
  const created: string[] = [];
  for (const result of response.topics) {
    if (result.errorCode === ErrorCode.NONE) created.push(result.name);
    else if (result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      errors.push(errorFor(result.errorCode, `topic '${result.name}'`, result.errorMessage) as Error);
    }
  }
  throwCollected('createTopics', errors);
  if (created.length > 0 && !options.validateOnly && (options.waitForLeaders ?? true)) {
    await waitForLeaders(context, created, timeoutMs);
  }
  return created.length > 0;
}

/** Polls metadata until every partition of `topics` has a leader, or fails after `timeoutMs`. */
async function waitForLeaders(
  context: AdminContext,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await context.cluster.refreshMetadata(topics, { allowAutoTopicCreation: false });
    const waiting = topics.filter((name) => {
      const topic = metadata.topics.get(name);
      return (
        topic === undefined ||
        topic.errorCode !== ErrorCode.NONE ||
        topic.partitions.some((p) => p.leader < 0)
      );
    });
    if (waiting.length === 0) return;
    if (Date.now() >= deadline) {
      throw new TimeoutError(
        `createTopics: topics ${waiting.join(', ')} have no leader after ${timeoutMs} ms`,
        timeoutMs,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, context.options.retryBackoffMs));
  }
}

/** Deletes topics; each failure names its topic. */
export async function deleteTopics(
  context: AdminContext,
  options: { topics: string[]; timeoutMs?: number },
): Promise<void> {
  requireTopicNames('deleteTopics', options?.topics);
  const names = options.topics.map((t) => topicName('deleteTopics', t));
  const response = await withRetries(
    context.options,
    async () => {
      const connection = await controllerConnection(context);
      const answer = await connection.request(DeleteTopics, {
        topicNames: names,
        timeoutMs: options.timeoutMs ?? context.options.timeoutMs,
      });
      throwIfNotController(
        'deleteTopics',
        answer.responses.map((r) => r.errorCode),
      );
      return answer;
    },
    refreshController(context),
  );
  for (const name of names) context.cluster.invalidateTopic(name);
  throwCollected(
    'deleteTopics',
    response.responses.flatMap((r) => errorFor(r.errorCode, `topic '${r.name}'`) ?? []),
  );
}

/** Names of every topic in the cluster, internal ones (`__consumer_offsets`) included, as kafkajs lists them. */
export async function listTopics(context: AdminContext): Promise<string[]> {
  const metadata = await withRetries(context.options, () => context.cluster.refreshMetadata(null));
  return [...metadata.topics.keys()];
}

/** Partitions with their leaders, replicas, ISR, and earliest and latest offsets; default every topic. */
export async function describeTopics(
  context: AdminContext,
  options: { topics?: string[] } = {},
): Promise<{ topics: TopicDescription[] }> {
  const names = options.topics?.map((t) => topicName('describeTopics', t)) ?? null;
  const metadata = await withRetries(context.options, async () => {
    const answer = await context.cluster.refreshMetadata(names, { allowAutoTopicCreation: false });
    for (const name of names ?? answer.topics.keys()) requireTopic(answer, name);
    return answer;
  });
  const topics = await Promise.all(
    (names ?? [...metadata.topics.keys()]).map(async (name): Promise<TopicDescription> => {
      const topic = requireTopic(metadata, name);
      const [earliest, latest] = await Promise.all([
        listOffsets(context, name, -2n),
        listOffsets(context, name, -1n),
      ]);
      return {
        name,
        isInternal: topic.isInternal,
        partitions: topic.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas,
          earliestOffset: earliest.get(p.partition)?.offset ?? -1n,
          latestOffset: latest.get(p.partition)?.offset ?? -1n,
        })),
      };
    }),
  );
  return { topics };
}

export interface CreatePartitionsOptions {
  /** Each topic's new total partition count (more than it has), and optionally the new partitions' replicas. */
  topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
  validateOnly?: boolean;
  timeoutMs?: number;
}

/** Adds partitions to topics (a count lower than or equal to the current one is INVALID_PARTITIONS, naming the topic). */
export async function createPartitions(
  context: AdminContext,
  options: CreatePartitionsOptions,
): Promise<boolean> {
  if (!Array.isArray(options?.topicPartitions) || options.topicPartitions.length === 0) {
    throw new RunnelError('createPartitions: topicPartitions must be a non-empty array');
  }
  const requests = options.topicPartitions.map((t) => ({
    name: topicName('createPartitions', t?.topic),
    count: t.count,
    assignments: t.assignments === undefined ? null : t.assignments.map((brokerIds) => ({ brokerIds })),
  }));
  const response = await withRetries(
    context.options,
    async () => {
      const connection = await controllerConnection(context);
      const answer = await connection.request(CreatePartitions, {
        topics: requests,
        timeoutMs: options.timeoutMs ?? context.options.timeoutMs,
        validateOnly: options.validateOnly ?? false,
      });
      throwIfNotController(
        'createPartitions',
        answer.results.map((r) => r.errorCode),
      );
      return answer;
    },
    refreshController(context),
  );
  for (const request of requests) context.cluster.invalidateTopic(request.name);
  throwCollected(
    'createPartitions',
    response.results.flatMap((r) => errorFor(r.errorCode, `topic '${r.name}'`, r.errorMessage) ?? []),
  );
  return true;
}
