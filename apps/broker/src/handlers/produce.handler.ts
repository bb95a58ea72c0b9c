import { InvalidBatchError, type PartitionLog } from '@runnel/log-store';
import {
  ErrorCode,
  type InputOf,
  KafkaError,
  Produce,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { awaitDurable, type GroupCommitWindow } from '../produce/group-commit-window.js';
import { ProduceError } from '../produce/produce-error.js';
import { appendProducedBatch } from '../produce/produced-batch-append.js';
import type { ProducerStates } from '../produce/producer-states.js';
import { awaitReplicated, checkInsyncReplicas, type ProduceReplication } from '../produce/replicated-acks.js';
import type { LeaderPartition } from '../replication/leader-partition.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, HandlerResult, RequestContext } from './api-handler.js';
import { CloseConnection, NO_RESPONSE } from './api-handler.js';

type Request = RequestOf<typeof Produce>;
type Response = InputOf<ResponseOf<typeof Produce>>;
type PartitionData = Request['topicData'][number]['partitionData'][number];

/** Produce v3 is the first to carry record batches (magic 2); v0-2 carry legacy message sets. */
const FIRST_RECORD_BATCH_VERSION = 3;
/** The acks a producer may ask for: none, the leader's append, all in-sync replicas (here: the fsync). */
const NO_ACKS = 0;
const ALL_ACKS = -1;
const VALID_ACKS = new Set([NO_ACKS, 1, ALL_ACKS]);
/** Offsets and timestamps of a partition response that carries none (Kafka's UNKNOWN_LOG_APPEND_INFO). */
const UNKNOWN = -1n;
/**
 * acks=1 requests carrying at least this many record bytes write their logs at once and are
 * answered without waiting for the turn's write (see writtenAtOnce): 256 KiB.
 */
const WRITE_AT_ONCE_BYTES = 256 * 1024;

/** What became of one partition of the request. */
interface PartitionOutcome {
  readonly index: number;
  errorCode: number;
  readonly baseOffset: bigint;
  readonly logStartOffset: bigint;
  errorMessage: string | null;
  /** The log holding the batch (appended now or by the retried request), which acks=-1 waits to be fsynced. */
  readonly log?: PartitionLog;
  /** In a cluster, acks=-1: the partition this broker leads, and the log end offset the ISR must reach. */
  readonly replicated?: { readonly leader: LeaderPartition; readonly endOffset: bigint };
}

/**
 * Produce v0-8 advertised, v3-8 served: v0-2 carry legacy message sets, answered
 * UNSUPPORTED_VERSION on every partition.
 *
 * Each partition is appended on its own (see appendProducedBatch for the checks and codes), so a
 * refused partition never fails the others; a topic the principal may not Write is
 * TOPIC_AUTHORIZATION_FAILED, whether it exists or not; a topic or partition that does not exist is
 * UNKNOWN_TOPIC_OR_PARTITION (produce never creates topics, as in Kafka), an internal topic is
 * INVALID_TOPIC_EXCEPTION and an offline log KAFKA_STORAGE_ERROR. A response carries the base
 * offset, logAppendTimeMs -1 (every topic keeps CreateTime), the log start offset (v5+) and, on
 * error, an errorMessage (v8+); recordErrors stays empty since records are never decoded.
 *
 * `acks`:
 * - 0: appended as for 1, and no response is ever written. If a partition failed, the
 *   connection is closed instead (as Kafka does), the only way to tell the producer, which then
 *   refreshes its metadata;
 * - 1: answered once appended and written to the file (in the page cache): small requests after
 *   the turn's one write (afterWrite), large ones at once (writtenAtOnce); a write that fails
 *   answers KAFKA_STORAGE_ERROR;
 * - -1: answered once fsynced, through the GroupCommitWindow that lets concurrent requests share
 *   fsyncs; `timeoutMs` bounds that wait, after which the partitions not yet durable get
 *   REQUEST_TIMED_OUT (their records stay appended, as in Kafka). In a cluster, also once every
 *   in-sync replica has the records (see replicated-acks.ts: NOT_ENOUGH_REPLICAS before the
 *   append, NOT_ENOUGH_REPLICAS_AFTER_APPEND after it, below `min.insync.replicas`);
 * - anything else: INVALID_REQUIRED_ACKS on every partition, nothing appended.
 * A request refused as a whole (a transactional id) with acks=0 closes the connection too.
 * A request the router refuses (v0-2, or a body that does not decode) is answered whatever its
 * acks, since those are unknown or the request is not served.
 *
 * Transactions are not supported: a request with a `transactionalId` is refused with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED on every partition — the code Kafka sends to a producer
 * not allowed to use its transactional id, which every client treats as fatal and reports
 * plainly, rather than a retriable code that would have it retry forever.
 */
export class ProduceHandler implements ApiHandler<Request, Response> {
  readonly api = Produce;
  readonly minServedVersion = FIRST_RECORD_BATCH_VERSION;

  constructor(
    private readonly topics: TopicManager,
    private readonly producers: ProducerStates,
    private readonly groupCommit: GroupCommitWindow,
    private readonly authorizer: Authorizer,
    private readonly replication?: ProduceReplication,
  ) {}

  handle(
    request: Request,
    context: RequestContext,
  ): HandlerResult<ResponseOf<typeof Produce>> | Promise<HandlerResult<ResponseOf<typeof Produce>>> {
    const { version } = context;
    const refusal = refuseRequest(request);
    const nowMs = Date.now();
    const outcomes = refusal
      ? refusedOutcomes(request, refusal)
      : request.topicData.map(({ name, partitionData }) => ({
          name,
          partitions: partitionData.map((data) =>
            this.appendPartition(name, data, version, nowMs, request.acks === ALL_ACKS, context),
          ),
        }));
    if (request.acks === NO_ACKS) return noResponse(outcomes);
    if (refusal) return response(outcomes);
    if (request.acks !== ALL_ACKS) {
      return recordBytes(request) >= WRITE_AT_ONCE_BYTES ? writtenAtOnce(outcomes) : afterWrite(outcomes);
    }
    return this.afterFsync(outcomes, request.timeoutMs);
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return response(refusedOutcomes(request, KafkaError.fromCode(errorCode)));
  }

  private appendPartition(
    topic: string,
    data: PartitionData,
    version: number,
    nowMs: number,
    allAcks: boolean,
    context: RequestContext,
  ): PartitionOutcome {
    try {
      // Before existence, as Kafka: a principal without Write learns nothing of the topic.
      if (!this.authorizer.topic(context, AclOperation.WRITE, topic)) {
        throw new ProduceError(
          ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          `Not authorized to write to topic '${topic}'`,
        );
      }
      const log = this.topics.partitionLog(topic, data.index);
      if (log === undefined) {
        throw new ProduceError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `This server does not host partition ${data.index} of topic '${topic}'`,
        );
      }
      if (this.topics.topic(topic)?.internal) {
        throw new ProduceError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
      }
      const leader = this.replication?.replicas.leader(topic, data.index);
      if (leader && allAcks) checkInsyncReplicas(leader, this.replication!.minInsyncReplicas);
      const { baseOffset, logStartOffset } = appendProducedBatch(
        log,
        data.records,
        version,
        this.producers,
        nowMs,
        leader?.leaderEpoch,
      );
      return {
        index: data.index,
        errorCode: ErrorCode.NONE,
        baseOffset,
        logStartOffset,
        errorMessage: null,
        log,
        ...(leader && { replicated: { leader, endOffset: log.logEndOffset } }),
      };
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return failed(data.index, err);
    }
  }

  private async afterFsync(outcomes: TopicOutcome[], timeoutMs: number): Promise<Response> {
    const logs = new Set<PartitionLog>();
    for (const { partitions } of outcomes) for (const { log } of partitions) if (log) logs.add(log);
    const minIsr = this.replication?.minInsyncReplicas ?? 1;
    const replicating = outcomes.flatMap(({ partitions }) =>
      partitions.flatMap((outcome) => {
        const { replicated } = outcome;
        if (!replicated || outcome.errorCode !== ErrorCode.NONE) return [];
        return [
          awaitReplicated(replicated.leader, replicated.endOffset, minIsr, timeoutMs).then((code) => {
            if (code === ErrorCode.NONE) return;
            outcome.errorCode = code;
            outcome.errorMessage =
              code === ErrorCode.REQUEST_TIMED_OUT
                ? `Records were appended but not on every in-sync replica within timeoutMs (${timeoutMs} ms)`
                : `Records were appended but the in-sync replicas did not all get them (error ${code})`;
          }),
        ];
      }),
    );
    const [notDurable] = await Promise.all([awaitDurable(this.groupCommit, logs, timeoutMs), ...replicating]);
    for (const { partitions } of outcomes) {
      for (const outcome of partitions) {
        const code = outcome.log && notDurable.get(outcome.log);
        if (code) {
          outcome.errorCode = code;
          outcome.errorMessage =
            code === ErrorCode.REQUEST_TIMED_OUT
              ? `Records were appended but not fsynced within timeoutMs (${timeoutMs} ms)`
              : `Records were appended but could not be fsynced (error ${code})`;
        }
      }
    }
    return response(outcomes);
  }
}

/**
 * acks=1: the response once every log appended to has written the batches (in the page cache):
 * the log writes the appends of one event-loop turn together, with one writev at its end
 * (PartitionLog.whenWritten), and the connection writes the responses finished in one turn
 * together (KafkaConnection), so the produce requests of one turn cost one file write per log
 * and one socket write per connection, not one of each per request. A log whose write fails is
 * KAFKA_STORAGE_ERROR.
 */
async function afterWrite(outcomes: TopicOutcome[]): Promise<Response> {
  // Most requests carry one partition: its log is awaited without building a set of logs.
  const only =
    outcomes.length === 1 && outcomes[0]!.partitions.length === 1 ? outcomes[0]!.partitions[0]! : undefined;
  if (only !== undefined) {
    if (only.log !== undefined) {
      try {
        await only.log.whenWritten();
      } catch (error) {
        storageFailed(only, error);
      }
    }
    return response(outcomes);
  }
  const logs = new Set<PartitionLog>();
  for (const { partitions } of outcomes) for (const { log } of partitions) if (log) logs.add(log);
  const failed = new Map<PartitionLog, unknown>();
  await Promise.all(
    [...logs].map((log) => log.whenWritten().catch((error: unknown) => failed.set(log, error))),
  );
  for (const { partitions } of outcomes) {
    for (const outcome of partitions) {
      if (outcome.log !== undefined && failed.has(outcome.log))
        storageFailed(outcome, failed.get(outcome.log));
    }
  }
  return response(outcomes);
}

/**
 * acks=1 with large batches (WRITE_AT_ONCE_BYTES or more, as librdkafka's batches of up to 1 MB):
 * the logs write what they have queued now and the answer goes at once. Writing that much costs
 * the same now or at the end of the turn (it is the bytes, not the system call), and the
 * producer gets its answer without waiting for the rest of the turn.
 */
function writtenAtOnce(outcomes: TopicOutcome[]): Response {
  const failed = new Map<PartitionLog, unknown>();
  for (const { partitions } of outcomes) {
    for (const outcome of partitions) {
      const { log } = outcome;
      if (log === undefined) continue;
      if (!failed.has(log)) {
        try {
          log.writeAppends();
          continue;
        } catch (error) {
          failed.set(log, error);
        }
      }
      storageFailed(outcome, failed.get(log));
    }
  }
  return response(outcomes);
}

/** Record bytes of the request, over all its partitions. */
function recordBytes(request: Request): number {
  let bytes = 0;
  for (const { partitionData } of request.topicData) {
    for (const { records } of partitionData) bytes += records?.length ?? 0;
  }
  return bytes;
}

/** The partition's log could not write the batch: KAFKA_STORAGE_ERROR, with the log's reason. */
function storageFailed(outcome: PartitionOutcome, error: unknown): void {
  if (!(error instanceof KafkaError)) throw error;
  outcome.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
  outcome.errorMessage = `Records were appended but could not be written: ${error.message}`;
}

interface TopicOutcome {
  readonly name: string;
  readonly partitions: PartitionOutcome[];
}

/** Why the whole request is refused before any partition is looked at, if it is. */
function refuseRequest(request: Request): ProduceError | undefined {
  if (!VALID_ACKS.has(request.acks)) {
    return new ProduceError(
      ErrorCode.INVALID_REQUIRED_ACKS,
      `acks ${request.acks} is not one of 0 (none), 1 (leader) or -1 (all)`,
    );
  }
  if (request.transactionalId !== null) {
    return new ProduceError(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      `Transactional id '${request.transactionalId}' refused: this broker does not support transactions`,
    );
  }
  return undefined;
}

/** Every partition of `request` failed with `error`. */
function refusedOutcomes(request: Request | null, error: KafkaError): TopicOutcome[] {
  return (request?.topicData ?? []).map(({ name, partitionData }) => ({
    name,
    partitions: partitionData.map(({ index }) => failed(index, error)),
  }));
}

function failed(index: number, error: KafkaError): PartitionOutcome {
  return {
    index,
    errorCode: error.code,
    baseOffset: UNKNOWN,
    logStartOffset: UNKNOWN,
    errorMessage:
      error instanceof ProduceError || error instanceof InvalidBatchError ? error.description : error.message,
  };
}

/** acks=0: no response, or a closed connection if a partition failed. */
function noResponse(outcomes: TopicOutcome[]): typeof NO_RESPONSE | CloseConnection {
  for (const { name, partitions } of outcomes) {
    const failure = partitions.find(({ errorCode }) => errorCode !== ErrorCode.NONE);
    if (failure) {
      return new CloseConnection(
        `Produce with acks=0 failed on ${name}-${failure.index} (error ${failure.errorCode}): ${failure.errorMessage}`,
      );
    }
  }
  return NO_RESPONSE;
}

function response(outcomes: TopicOutcome[]): Response {
  return {
    throttleTimeMs: 0,
    responses: outcomes.map(({ name, partitions }) => ({
      name,
      partitionResponses: partitions.map(
        ({ index, errorCode, baseOffset, logStartOffset, errorMessage }) => ({
          index,
          errorCode,
          baseOffset,
          logAppendTimeMs: UNKNOWN,
          logStartOffset,
          recordErrors: [],
          errorMessage: errorCode === ErrorCode.NONE ? null : errorMessage,
        }),
      ),
    })),
  };
}
