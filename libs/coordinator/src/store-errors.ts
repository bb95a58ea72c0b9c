import { ErrorCode, KafkaError } from '@runnel/protocol';

/**
 * The error code a client gets when the store failed to append, after Kafka's GroupMetadataManager:
 * the log's own errors become coordinator errors the client knows how to handle (find the
 * coordinator again, retry). An error that is not a KafkaError (an I/O failure) is reported as
 * COORDINATOR_NOT_AVAILABLE, which clients retry.
 */
export function storeErrorCode(error: unknown, write: 'group' | 'offsets'): number {
  if (!(error instanceof KafkaError)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  switch (error.code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.REQUEST_TIMED_OUT:
      // A group write that timed out leaves the rebalance unfinished: the members must rejoin.
      return write === 'group' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return write === 'group' ? ErrorCode.UNKNOWN_SERVER_ERROR : ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return error.code;
  }
}
