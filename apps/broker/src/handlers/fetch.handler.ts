import { ErrorCode, Fetch, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import type { FetchPurgatory } from '../fetch/fetch-purgatory.js';
import { type FetchRead, readFetch, refusedPartition } from '../fetch/fetch-reader.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof Fetch>;
type Response = InputOf<ResponseOf<typeof Fetch>>;

/** Fetch v4 is the first to carry record batches (magic 2); older consumers expect message sets. */
const FIRST_RECORD_BATCH_VERSION = 4;
/** Session epochs of a full fetch request: 0 would open a session, -1 fetches without one. */
const FULL_FETCH_EPOCHS = new Set([0, -1]);

/**
 * Fetch v0-12 advertised, v4-12 served: v0-3 consumers read legacy message sets, which this
 * broker does not down-convert to, so they get UNSUPPORTED_VERSION on every partition. v12 is
 * flexible and carries the fetcher's `lastFetchedEpoch`: a follower's (cluster mode) is checked
 * against the leader's epochs and a diverging log is answered `divergingEpoch` (readFetch);
 * `currentLeader` and `snapshotId` keep their unset defaults.
 *
 * Reading follows Kafka's ReplicaManager.fetchMessages (see readFetch for the size limits): the
 * response's `maxBytes` is capped at `fetch.max.bytes`, and `minBytes` at that. The fetch is
 * answered at once when it gathered `minBytes`, when `maxWaitMs` is 0, or when a partition
 * failed; otherwise it waits in the purgatory (a DelayedFetch) without reading, counting the
 * bytes appended to its partitions since it read them, until they make `minBytes`, a partition
 * fails or `maxWaitMs` has passed, and then reads once more and answers with that.
 *
 * With `--authorizer acl`, a consumer's partitions of a topic it may not Read are
 * TOPIC_AUTHORIZATION_FAILED (the others are read), and a follower's fetch (`replicaId` >= 0)
 * without ClusterAction on the cluster is CLUSTER_AUTHORIZATION_FAILED as a whole.
 *
 * Fetch sessions (KIP-227) are not kept: a full request (session epoch 0 or -1) gets a full,
 * sessionless response (sessionId 0, which tells the client no session was created), and an
 * incremental one names a session that cannot exist, answered FETCH_SESSION_ID_NOT_FOUND as
 * Kafka does. kafkajs, librdkafka and kafka-python all send sessionless requests.
 */
export class FetchHandler implements ApiHandler<Request, Response> {
  readonly api = Fetch;
  readonly minServedVersion = FIRST_RECORD_BATCH_VERSION;

  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly purgatory: FetchPurgatory,
    private readonly authorizer: Authorizer,
    /** In a cluster: followers' fetches are served through it. */
    private readonly replicas?: ReplicaManager,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const { version } = context;
    if (!FULL_FETCH_EPOCHS.has(request.sessionEpoch)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      };
    }
    // A follower needs ClusterAction; a consumer, Read on each topic (the others are refused per partition).
    if (request.replicaId >= 0 && !this.authorizer.cluster(context, AclOperation.CLUSTER_ACTION)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const readable = request.topics.filter(({ topic }) =>
      this.authorizer.topic(context, AclOperation.READ, topic),
    );
    const refused =
      this.errorResponse(
        { ...request, topics: request.topics.filter((topic) => !readable.includes(topic)) },
        ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      ).responses ?? [];
    const authorized = { ...request, topics: readable };
    const maxBytes = Math.min(request.maxBytes, this.config.fetchMaxBytes);
    const minBytes = Math.min(request.minBytes, maxBytes);
    const deadline = performance.now() + request.maxWaitMs;
    let read: FetchRead = await readFetch(this.topics, authorized, version, maxBytes, this.replicas);
    const waitMs = deadline - performance.now();
    if (read.bytes < minBytes && !read.failed && read.watched.length > 0 && waitMs > 0) {
      await this.purgatory.awaitBytes(read.watched, minBytes, waitMs);
      read = await readFetch(this.topics, authorized, version, maxBytes, this.replicas);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: [...refused, ...read.responses],
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      errorCode,
      sessionId: 0,
      responses: (request?.topics ?? []).map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition }) => refusedPartition(partition, errorCode)),
      })),
    };
  }
}
