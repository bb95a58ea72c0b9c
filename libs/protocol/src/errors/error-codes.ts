/**
 * Kafka's error codes: the int16 `error_code` fields of every response, with the name, the
 * retriability and the description Kafka gives them (clients/.../common/protocol/Errors.java, and
 * the table it generates at kafka.apache.org/protocol#protocol_error_codes).
 *
 * `retriable` is true exactly when Kafka's exception for the code extends `RetriableException`:
 * sending the same request again (after refreshing metadata, finding the coordinator again or
 * backing off) may succeed. A code can be handled by other means without being retriable, e.g.
 * REBALANCE_IN_PROGRESS (rejoin the group) or UNKNOWN_MEMBER_ID (rejoin with an empty member id).
 *
 * Codes are part of the protocol and never change meaning; names may (6 was NOT_LEADER_FOR_PARTITION
 * before Kafka 2.7). This table is the single source of truth for them in Runnel.
 */
const ERROR_TABLE = {
  UNKNOWN_SERVER_ERROR: {
    code: -1,
    retriable: false,
    message: 'The server experienced an unexpected error when processing the request.',
  },
  NONE: { code: 0, retriable: false, message: 'No error.' },
  OFFSET_OUT_OF_RANGE: {
    code: 1,
    retriable: false,
    message: 'The requested offset is not within the range of offsets maintained by the server.',
  },
  CORRUPT_MESSAGE: {
    code: 2,
    retriable: true,
    message:
      'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.',
  },
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition.',
  },
  INVALID_FETCH_SIZE: { code: 4, retriable: false, message: 'The requested fetch size is invalid.' },
  LEADER_NOT_AVAILABLE: {
    code: 5,
    retriable: true,
    message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  },
  NOT_LEADER_OR_FOLLOWER: {
    code: 6,
    retriable: true,
    message:
      'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.',
  },
  REQUEST_TIMED_OUT: { code: 7, retriable: true, message: 'The request timed out.' },
  BROKER_NOT_AVAILABLE: { code: 8, retriable: false, message: 'The broker is not available.' },
  REPLICA_NOT_AVAILABLE: {
    code: 9,
    retriable: true,
    message:
      'The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition.',
  },
  MESSAGE_TOO_LARGE: {
    code: 10,
    retriable: false,
    message: 'The request included a message larger than the max message size the server will accept.',
  },
  STALE_CONTROLLER_EPOCH: { code: 11, retriable: false, message: 'The controller moved to another broker.' },
  OFFSET_METADATA_TOO_LARGE: {
    code: 12,
    retriable: false,
    message: 'The metadata field of the offset request was too large.',
  },
  NETWORK_EXCEPTION: {
    code: 13,
    retriable: true,
    message: 'The server disconnected before a response was received.',
  },
  COORDINATOR_LOAD_IN_PROGRESS: {
    code: 14,
    retriable: true,
    message: "The coordinator is loading and hence can't process requests.",
  },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true, message: 'The coordinator is not available.' },
  NOT_COORDINATOR: { code: 16, retriable: true, message: 'This is not the correct coordinator.' },
  INVALID_TOPIC_EXCEPTION: {
    code: 17,
    retriable: false,
    message: 'The request attempted to perform an operation on an invalid topic.',
  },
  RECORD_LIST_TOO_LARGE: {
    code: 18,
    retriable: false,
    message: 'The request included message batch larger than the configured segment size on the server.',
  },
  NOT_ENOUGH_REPLICAS: {
    code: 19,
    retriable: true,
    message: 'Messages are rejected since there are fewer in-sync replicas than required.',
  },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    code: 20,
    retriable: true,
    message: 'Messages are written to the log, but to fewer in-sync replicas than required.',
  },
  INVALID_REQUIRED_ACKS: {
    code: 21,
    retriable: false,
    message: 'Produce request specified an invalid value for required acks.',
  },
  ILLEGAL_GENERATION: { code: 22, retriable: false, message: 'Specified group generation id is not valid.' },
  INCONSISTENT_GROUP_PROTOCOL: {
    code: 23,
    retriable: false,
    message:
      "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  },
  INVALID_GROUP_ID: { code: 24, retriable: false, message: 'The configured groupId is invalid.' },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false, message: 'The coordinator is not aware of this member.' },
  INVALID_SESSION_TIMEOUT: {
    code: 26,
    retriable: false,
    message:
      'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).',
  },
  REBALANCE_IN_PROGRESS: {
    code: 27,
    retriable: false,
    message: 'The group is rebalancing, so a rejoin is needed.',
  },
  INVALID_COMMIT_OFFSET_SIZE: {
    code: 28,
    retriable: false,
    message: 'The committing offset data size is not valid.',
  },
  TOPIC_AUTHORIZATION_FAILED: { code: 29, retriable: false, message: 'Topic authorization failed.' },
  GROUP_AUTHORIZATION_FAILED: { code: 30, retriable: false, message: 'Group authorization failed.' },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, retriable: false, message: 'Cluster authorization failed.' },
  INVALID_TIMESTAMP: {
    code: 32,
    retriable: false,
    message: 'The timestamp of the message is out of acceptable range.',
  },
  UNSUPPORTED_SASL_MECHANISM: {
    code: 33,
    retriable: false,
    message: 'The broker does not support the requested SASL mechanism.',
  },
  ILLEGAL_SASL_STATE: {
    code: 34,
    retriable: false,
    message: 'Request is not valid given the current SASL state.',
  },
  UNSUPPORTED_VERSION: { code: 35, retriable: false, message: 'The version of API is not supported.' },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false, message: 'Topic with this name already exists.' },
  INVALID_PARTITIONS: { code: 37, retriable: false, message: 'Number of partitions is below 1.' },
  INVALID_REPLICATION_FACTOR: {
    code: 38,
    retriable: false,
    message: 'Replication factor is below 1 or larger than the number of available brokers.',
  },
  INVALID_REPLICA_ASSIGNMENT: { code: 39, retriable: false, message: 'Replica assignment is invalid.' },
  INVALID_CONFIG: { code: 40, retriable: false, message: 'Configuration is invalid.' },
  NOT_CONTROLLER: {
    code: 41,
    retriable: true,
    message: 'This is not the correct controller for this cluster.',
  },
  INVALID_REQUEST: {
    code: 42,
    retriable: false,
    message:
      'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
  },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: {
    code: 43,
    retriable: false,
    message: 'The message format version on the broker does not support the request.',
  },
  POLICY_VIOLATION: {
    code: 44,
    retriable: false,
    message: 'Request parameters do not satisfy the configured policy.',
  },
  OUT_OF_ORDER_SEQUENCE_NUMBER: {
    code: 45,
    retriable: false,
    message: 'The broker received an out of order sequence number.',
  },
  DUPLICATE_SEQUENCE_NUMBER: {
    code: 46,
    retriable: false,
    message: 'The broker received a duplicate sequence number.',
  },
  INVALID_PRODUCER_EPOCH: {
    code: 47,
    retriable: false,
    message: 'Producer attempted to produce with an old epoch.',
  },
  INVALID_TXN_STATE: {
    code: 48,
    retriable: false,
    message: 'The producer attempted a transactional operation in an invalid state.',
  },
  INVALID_PRODUCER_ID_MAPPING: {
    code: 49,
    retriable: false,
    message:
      'The producer attempted to use a producer id which is not currently assigned to its transactional id.',
  },
  INVALID_TRANSACTION_TIMEOUT: {
    code: 50,
    retriable: false,
    message:
      'The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).',
  },
  CONCURRENT_TRANSACTIONS: {
    code: 51,
    retriable: true,
    message:
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.',
  },
  TRANSACTION_COORDINATOR_FENCED: {
    code: 52,
    retriable: false,
    message:
      'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.',
  },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: {
    code: 53,
    retriable: false,
    message: 'Transactional Id authorization failed.',
  },
  SECURITY_DISABLED: { code: 54, retriable: false, message: 'Security features are disabled.' },
  OPERATION_NOT_ATTEMPTED: {
    code: 55,
    retriable: false,
    message:
      'The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.',
  },
  KAFKA_STORAGE_ERROR: {
    code: 56,
    retriable: true,
    message: 'Disk error when trying to access log file on the disk.',
  },
  LOG_DIR_NOT_FOUND: {
    code: 57,
    retriable: false,
    message: 'The user-specified log directory is not found in the broker config.',
  },
  SASL_AUTHENTICATION_FAILED: { code: 58, retriable: false, message: 'SASL Authentication failed.' },
  UNKNOWN_PRODUCER_ID: {
    code: 59,
    retriable: false,
    message:
      "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception.",
  },
  REASSIGNMENT_IN_PROGRESS: {
    code: 60,
    retriable: false,
    message: 'A partition reassignment is in progress.',
  },
  DELEGATION_TOKEN_AUTH_DISABLED: {
    code: 61,
    retriable: false,
    message: 'Delegation Token feature is not enabled.',
  },
  DELEGATION_TOKEN_NOT_FOUND: {
    code: 62,
    retriable: false,
    message: 'Delegation Token is not found on server.',
  },
  DELEGATION_TOKEN_OWNER_MISMATCH: {
    code: 63,
    retriable: false,
    message: 'Specified Principal is not valid Owner/Renewer.',
  },
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: {
    code: 64,
    retriable: false,
    message:
      'Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.',
  },
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: {
    code: 65,
    retriable: false,
    message: 'Delegation Token authorization failed.',
  },
  DELEGATION_TOKEN_EXPIRED: { code: 66, retriable: false, message: 'Delegation Token is expired.' },
  INVALID_PRINCIPAL_TYPE: { code: 67, retriable: false, message: 'Supplied principalType is not supported.' },
  NON_EMPTY_GROUP: { code: 68, retriable: false, message: 'The group is not empty.' },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false, message: 'The group id does not exist.' },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, retriable: true, message: 'The fetch session ID was not found.' },
  INVALID_FETCH_SESSION_EPOCH: { code: 71, retriable: true, message: 'The fetch session epoch is invalid.' },
  LISTENER_NOT_FOUND: {
    code: 72,
    retriable: true,
    message:
      'There is no listener on the leader broker that matches the listener on which metadata request was processed.',
  },
  TOPIC_DELETION_DISABLED: { code: 73, retriable: false, message: 'Topic deletion is disabled.' },
  FENCED_LEADER_EPOCH: {
    code: 74,
    retriable: true,
    message: 'The leader epoch in the request is older than the epoch on the broker.',
  },
  UNKNOWN_LEADER_EPOCH: {
    code: 75,
    retriable: true,
    message: 'The leader epoch in the request is newer than the epoch on the broker.',
  },
  UNSUPPORTED_COMPRESSION_TYPE: {
    code: 76,
    retriable: false,
    message: 'The requesting client does not support the compression type of given partition.',
  },
  STALE_BROKER_EPOCH: { code: 77, retriable: false, message: 'Broker epoch has changed.' },
  OFFSET_NOT_AVAILABLE: {
    code: 78,
    retriable: true,
    message:
      'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.',
  },
  MEMBER_ID_REQUIRED: {
    code: 79,
    retriable: false,
    message: 'The group member needs to have a valid member id before actually entering a consumer group.',
  },
  PREFERRED_LEADER_NOT_AVAILABLE: {
    code: 80,
    retriable: true,
    message: 'The preferred leader was not available.',
  },
  GROUP_MAX_SIZE_REACHED: {
    code: 81,
    retriable: false,
    message: 'The consumer group has reached its max size.',
  },
  FENCED_INSTANCE_ID: {
    code: 82,
    retriable: false,
    message:
      'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.',
  },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: {
    code: 83,
    retriable: true,
    message: 'Eligible topic partition leaders are not available.',
  },
  ELECTION_NOT_NEEDED: {
    code: 84,
    retriable: true,
    message: 'Leader election not needed for topic partition.',
  },
  NO_REASSIGNMENT_IN_PROGRESS: {
    code: 85,
    retriable: false,
    message: 'No partition reassignment is in progress.',
  },
  GROUP_SUBSCRIBED_TO_TOPIC: {
    code: 86,
    retriable: false,
    message:
      'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
  },
  INVALID_RECORD: {
    code: 87,
    retriable: false,
    message: 'This record has failed the validation on broker and hence will be rejected.',
  },
  UNSTABLE_OFFSET_COMMIT: {
    code: 88,
    retriable: true,
    message: 'There are unstable offsets that need to be cleared.',
  },
  THROTTLING_QUOTA_EXCEEDED: {
    code: 89,
    retriable: true,
    message: 'The throttling quota has been exceeded.',
  },
  PRODUCER_FENCED: {
    code: 90,
    retriable: false,
    message: 'There is a newer producer with the same transactionalId which fences the current one.',
  },
  RESOURCE_NOT_FOUND: {
    code: 91,
    retriable: false,
    message: 'A request illegally referred to a resource that does not exist.',
  },
  DUPLICATE_RESOURCE: {
    code: 92,
    retriable: false,
    message: 'A request illegally referred to the same resource twice.',
  },
  UNACCEPTABLE_CREDENTIAL: {
    code: 93,
    retriable: false,
    message: 'Requested credential would not meet criteria for acceptability.',
  },
  INCONSISTENT_VOTER_SET: {
    code: 94,
    retriable: false,
    message:
      'Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.',
  },
  INVALID_UPDATE_VERSION: { code: 95, retriable: false, message: 'The given update version was invalid.' },
  FEATURE_UPDATE_FAILED: {
    code: 96,
    retriable: false,
    message: 'Unable to update finalized features due to an unexpected server error.',
  },
  PRINCIPAL_DESERIALIZATION_FAILURE: {
    code: 97,
    retriable: false,
    message:
      'Request principal deserialization failed during forwarding. This indicates an internal error on the broker cluster security setup.',
  },
  SNAPSHOT_NOT_FOUND: { code: 98, retriable: false, message: 'Requested snapshot was not found.' },
  POSITION_OUT_OF_RANGE: {
    code: 99,
    retriable: false,
    message:
      'Requested position is not greater than or equal to zero, and less than the size of the snapshot.',
  },
  UNKNOWN_TOPIC_ID: { code: 100, retriable: true, message: 'This server does not host this topic ID.' },
} as const satisfies Record<string, { code: number; retriable: boolean; message: string }>;

/** A Kafka error name, e.g. `'NOT_LEADER_OR_FOLLOWER'`. */
export type ErrorName = keyof typeof ERROR_TABLE;

/** One row of the table: the wire code, Kafka's name for it, whether a retry may succeed, Kafka's description. */
export interface ErrorCodeEntry {
  readonly code: number;
  readonly name: ErrorName;
  readonly retriable: boolean;
  readonly message: string;
}

/** Error codes by name: `ErrorCode.OFFSET_OUT_OF_RANGE === 1`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.entries(ERROR_TABLE).map(([name, row]) => [name, row.code])),
) as { readonly [N in ErrorName]: (typeof ERROR_TABLE)[N]['code'] };

/** Every known error, in code order (-1, 0, 1, ...). */
export const ERROR_CODES: readonly ErrorCodeEntry[] = Object.freeze(
  Object.entries(ERROR_TABLE).map(([name, row]) =>
    Object.freeze({
      code: row.code,
      name: name as ErrorName,
      retriable: row.retriable,
      message: row.message,
    }),
  ),
);

const byCode = new Map<number, ErrorCodeEntry>(ERROR_CODES.map((entry) => [entry.code, entry]));

/** True when `code` is in the table. */
export function isKnownErrorCode(code: number): boolean {
  return byCode.has(code);
}

/**
 * The entry for `code`. A code this table does not know (one added by a newer Kafka) is treated as
 * Kafka's own client treats it, as UNKNOWN_SERVER_ERROR, non-retriable; the entry keeps the code that
 * was received and says so in its message, so logs show what the broker actually sent.
 */
export function errorByCode(code: number): ErrorCodeEntry {
  const known = byCode.get(code);
  if (known !== undefined) return known;
  return {
    code,
    name: 'UNKNOWN_SERVER_ERROR',
    retriable: false,
    message: `Unexpected error code ${code}. ${ERROR_TABLE.UNKNOWN_SERVER_ERROR.message}`,
  };
}
