import {
  type FetchResult,
  type LogEndPosition,
  OffsetOutOfRangeError,
  type PartitionLog,
} from '@runnel/log-store';
import {
  ErrorCode,
  type Fetch,
  type InputOf,
  KafkaError,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { leadershipError } from '../topics/partition-leadership.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { WatchedPartition } from './fetch-purgatory.js';

type FetchRequest = RequestOf<typeof Fetch>;
export type FetchableTopic = NonNullable<InputOf<ResponseOf<typeof Fetch>>['responses']>[number];
export type FetchablePartition = NonNullable<FetchableTopic['partitions']>[number];

/** What one pass over a Fetch request's partitions found. */
export interface FetchRead {
  /** The response's topics, in request order. */
  readonly responses: FetchableTopic[];
  /** Record bytes gathered over all partitions. */
  readonly bytes: number;
  /** Some partition was answered with an error; Kafka answers such a fetch without waiting. */
  readonly failed: boolean;
  /** Every partition read without error, with where its log ended: what a waiting fetch watches. */
  readonly watched: WatchedPartition[];
}

const READ_COMMITTED = 1;
const EMPTY = Buffer.alloc(0);

/**
 * Reads the partitions of a Fetch request from their logs, as Kafka's ReplicaManager
 * (readFromLocalLog) does. Partitions are read in request order; each gets at most its
 * `partitionMaxBytes` and what is left of the response's `maxBytes`. The first partition that has
 * data returns at least its first whole batch even when that is larger than both limits (KIP-74:
 * consumers must progress); after it, a partition whose next batch does not fit returns no
 * records, and once `maxBytes` is used up the remaining partitions are not read at all, only
 * answered with their offsets. Records are the log's bytes, whole batches, never re-encoded.
 *
 * There are no transactions yet, so the last stable offset is the high watermark and
 * READ_COMMITTED reads what READ_UNCOMMITTED reads; `abortedTransactions` is [] under
 * READ_COMMITTED and null otherwise, as Kafka sends it.
 *
 * Record bytes are read asynchronously (PartitionLog.readAsync), one partition after the other
 * since each one's limit depends on what the earlier ones returned; a partition at its log's end
 * costs no file read.
 *
 * A follower's fetch (`replicaId` >= 0, a broker of the cluster with `replicas`) reads its
 * leader's log to the log end rather than the high watermark, is refused by the ReplicaManager
 * when this broker does not lead the partition at the follower's epoch, and tells the leader how
 * far the follower got (its fetch offset), which moves the ISR's high watermark.
 */
export async function readFetch(
  topics: TopicManager,
  request: FetchRequest,
  version: number,
  maxBytes: number,
  replicas?: ReplicaManager,
): Promise<FetchRead> {
  const follower = request.replicaId >= 0 && replicas !== undefined;
  let budget = maxBytes;
  let minOneBatch = true;
  let bytes = 0;
  let failed = false;
  const watched: WatchedPartition[] = [];
  const responses: FetchableTopic[] = [];
  for (const { topic, partitions } of request.topics) {
    const answered: FetchablePartition[] = [];
    responses.push({ topic, partitions: answered });
    for (const wanted of partitions) {
      let log: PartitionLog | undefined;
      let read: FetchResult;
      let readTo: LogEndPosition;
      try {
        log = follower
          ? topics.localLog(topic, wanted.partition)
          : topics.partitionLog(topic, wanted.partition);
        if (!log) {
          failed = true;
          answered.push(refusedPartition(wanted.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        const refusal = follower
          ? replicas.followerRefusal(topic, wanted.partition, request.replicaId, wanted.currentLeaderEpoch)
          : leadershipError(
              request.replicaId,
              wanted.currentLeaderEpoch,
              topics.leaderEpoch(topic, wanted.partition),
            );
        if (refusal !== ErrorCode.NONE) {
          failed = true;
          answered.push(failedRead(wanted.partition, refusal));
          continue;
        }
        const limit = Math.max(0, Math.min(wanted.partitionMaxBytes, budget));
        // Taken as the read starts: the read covers the log up to here and no further.
        readTo = log.endPosition();
        const diverging = follower
          ? divergingEpoch(log, wanted.lastFetchedEpoch, wanted.fetchOffset)
          : undefined;
        if (diverging) {
          // Answered at once, as a failed partition is: the follower truncates before it fetches on.
          failed = true;
          answered.push({
            ...refusedPartition(wanted.partition, ErrorCode.NONE),
            highWatermark: log.highWatermark,
            lastStableOffset: log.highWatermark,
            logStartOffset: log.logStartOffset,
            abortedTransactions: null,
            divergingEpoch: diverging,
          });
          continue;
        }
        if (follower)
          replicas.followerFetched(topic, wanted.partition, request.replicaId, wanted.fetchOffset);
        read = await readPartition(log, wanted.fetchOffset, limit, minOneBatch, follower);
      } catch (err) {
        // OFFSET_OUT_OF_RANGE, or KAFKA_STORAGE_ERROR from a log that is offline or could not be opened.
        if (!(err instanceof KafkaError)) throw err;
        failed = true;
        answered.push(failedRead(wanted.partition, downConvertedError(err.code, version)));
        continue;
      }
      const size = read.records.length;
      if (size > 0) minOneBatch = false;
      budget = Math.max(0, budget - size);
      bytes += size;
      watched.push({
        log,
        readTo,
        bytesRead: size,
        maxBytes: Math.max(0, wanted.partitionMaxBytes),
        // A consumer of a replicated partition waits for the high watermark, not for appends it
        // may not read yet.
        ...(!follower && replicas?.leader(topic, wanted.partition) && { highWatermark: read.highWatermark }),
      });
      answered.push({
        partitionIndex: wanted.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: read.highWatermark,
        lastStableOffset: read.highWatermark,
        logStartOffset: read.logStartOffset,
        abortedTransactions: request.isolationLevel === READ_COMMITTED ? [] : null,
        preferredReadReplica: -1,
        records: read.records,
      });
    }
  }
  return { responses, bytes, failed, watched };
}

/**
 * Whether a follower's log diverges from this leader's (KIP-595's check, which replaces
 * OffsetForLeaderEpoch on the fetch path): the epoch of its last batch, `lastFetchedEpoch`,
 * is not one this log has, or ends here before the follower's `fetchOffset`. Then the answer
 * names the largest epoch of this log at or below it and where that ends, and the follower
 * truncates there. Undefined when the logs agree (or the follower sent no epoch, v11 and older).
 */
function divergingEpoch(
  log: PartitionLog,
  lastFetchedEpoch: number,
  fetchOffset: bigint,
): { epoch: number; endOffset: bigint } | undefined {
  if (lastFetchedEpoch < 0) return undefined;
  const end = log.leaderEpochs.endOffsetFor(lastFetchedEpoch, log.logEndOffset);
  if (end.epoch === lastFetchedEpoch && end.endOffset >= fetchOffset) return undefined;
  return end;
}

/**
 * A partition refused before any read (Kafka's FetchResponse.partitionResponse): offsets -1,
 * no aborted transactions, empty records. The schema allows null records, but Kafka sends empty
 * ones (FetchResponse.toMessage) because clients such as librdkafka fail to parse null.
 */
export function refusedPartition(partitionIndex: number, errorCode: number): FetchablePartition {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

/**
 * A partition whose read failed (OFFSET_OUT_OF_RANGE, KAFKA_STORAGE_ERROR, a leader epoch or
 * replica refusal): Kafka answers it with offsets -1 and null aborted transactions, and the
 * consumer finds the valid range with ListOffsets.
 */
function failedRead(partitionIndex: number, errorCode: number): FetchablePartition {
  return { ...refusedPartition(partitionIndex, errorCode), abortedTransactions: null };
}

/**
 * Whole batches from `fetchOffset`, up to `limit` bytes; more than `limit` (one batch) only when
 * `minOneBatch`, otherwise none. With no budget at all the log is not read, only its offsets
 * taken, by the same range rule PartitionLog.read applies.
 */
async function readPartition(
  log: PartitionLog,
  fetchOffset: bigint,
  limit: number,
  minOneBatch: boolean,
  toLogEnd: boolean,
): Promise<FetchResult> {
  if (limit === 0 && !minOneBatch) {
    const highWatermark = log.latestOffset();
    const { logStartOffset, logEndOffset } = log;
    if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
      throw new OffsetOutOfRangeError(fetchOffset, logStartOffset, logEndOffset, log.dir);
    }
    return { records: EMPTY, highWatermark, logStartOffset, logEndOffset };
  }
  const read = await log.readAsync(fetchOffset, limit, toLogEnd);
  return !minOneBatch && read.records.length > limit ? { ...read, records: EMPTY } : read;
}

/**
 * Fetch v5 and older clients may not know KAFKA_STORAGE_ERROR (they would treat it as fatal), so
 * Kafka answers them NOT_LEADER_OR_FOLLOWER instead, which makes them refresh metadata and retry.
 */
function downConvertedError(errorCode: number, version: number): number {
  return errorCode === ErrorCode.KAFKA_STORAGE_ERROR && version <= 5
    ? ErrorCode.NOT_LEADER_OR_FOLLOWER
    : errorCode;
}
