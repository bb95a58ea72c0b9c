export { AclOperation, AclPatternType, AclPermissionType, AclResourceType } from './acl/acl-codes.js';
export { Reader } from './bytes/reader.js';
export { formatUuid, parseUuid, ZERO_UUID } from './bytes/uuid.js';
export { Writer } from './bytes/writer.js';
export { compress, decompress } from './compression/compression.js';
export {
  COMPRESSION_NAMES,
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_SIZE,
} from './compression/compression-type.js';
export { UnsupportedCompressionTypeError } from './compression/unsupported-compression-type-error.js';
export {
  ERROR_CODES,
  ErrorCode,
  type ErrorCodeEntry,
  type ErrorName,
  errorByCode,
  isKnownErrorCode,
} from './errors/error-codes.js';
export { isRetriable, KafkaError, type KafkaErrorOptions } from './errors/kafka-error.js';
export { ProtocolError } from './errors/protocol-error.js';
export { type RecordLocation, SerializationError } from './errors/serialization-error.js';
export { ALL_APIS, ApiKey, apiByKey } from './messages/api-registry.js';
export { AlterClientQuotas } from './messages/apis/alter-client-quotas.js';
export { AlterConfigs } from './messages/apis/alter-configs.js';
export { AlterUserScramCredentials } from './messages/apis/alter-user-scram-credentials.js';
export { ApiVersions } from './messages/apis/api-versions.js';
export { CreateAcls } from './messages/apis/create-acls.js';
export { CreatePartitions } from './messages/apis/create-partitions.js';
export { CreateTopics } from './messages/apis/create-topics.js';
export { DeleteAcls } from './messages/apis/delete-acls.js';
export { DeleteGroups } from './messages/apis/delete-groups.js';
export { DeleteRecords } from './messages/apis/delete-records.js';
export { DeleteTopics } from './messages/apis/delete-topics.js';
export { DescribeAcls } from './messages/apis/describe-acls.js';
export { DescribeClientQuotas } from './messages/apis/describe-client-quotas.js';
export { DescribeConfigs } from './messages/apis/describe-configs.js';
export { DescribeGroups } from './messages/apis/describe-groups.js';
export { DescribeLogDirs } from './messages/apis/describe-log-dirs.js';
export { DescribeUserScramCredentials } from './messages/apis/describe-user-scram-credentials.js';
export { Fetch } from './messages/apis/fetch.js';
export { FindCoordinator } from './messages/apis/find-coordinator.js';
export { Heartbeat } from './messages/apis/heartbeat.js';
export { IncrementalAlterConfigs } from './messages/apis/incremental-alter-configs.js';
export { InitProducerId } from './messages/apis/init-producer-id.js';
export { JoinGroup } from './messages/apis/join-group.js';
export { LeaveGroup } from './messages/apis/leave-group.js';
export { ListGroups } from './messages/apis/list-groups.js';
export { ListOffsets } from './messages/apis/list-offsets.js';
export { Metadata } from './messages/apis/metadata.js';
export { OffsetCommit } from './messages/apis/offset-commit.js';
export { OffsetFetch } from './messages/apis/offset-fetch.js';
export { OffsetForLeaderEpoch } from './messages/apis/offset-for-leader-epoch.js';
export { Produce } from './messages/apis/produce.js';
export { SaslAuthenticate } from './messages/apis/sasl-authenticate.js';
export { SaslHandshake } from './messages/apis/sasl-handshake.js';
export { SyncGroup } from './messages/apis/sync-group.js';
export { decode, decodeFrom, encode, encodeInto } from './messages/codec.js';
export {
  type ConsumerAssignment,
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  type ConsumerSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './messages/consumer-protocol.js';
export {
  decodeRequestFrame,
  decodeRequestHeaderPrefix,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  FRAME_SIZE_PREFIX,
  type RequestHeaderData,
  requestHeaderVersion,
  responseHeaderVersion,
} from './messages/frames.js';
export { RequestHeader, ResponseHeader } from './messages/headers.js';
export {
  decodeRequestBody,
  type RequestHeaderPrefix,
  readRequestHeaderPrefix,
} from './messages/request-body.js';
export { chunksByteLength, encodeResponseChunks } from './messages/response-chunks.js';
export {
  type AnyField,
  type Api,
  api,
  type DataOf,
  type Field,
  type FieldOptions,
  field,
  type InputOf,
  inRange,
  type MessageSchema,
  message,
  type RequestOf,
  type ResponseOf,
  type Type,
  t,
  type VersionRange,
  versionRange,
} from './messages/schema.js';
export { murmur2, toPositive } from './partitioners/murmur2.js';
export {
  choosePartition,
  type NewBatchInput,
  type Partitioner,
  type PartitionerInput,
  partitionForKey,
  type RecordToPlace,
  type TopicPartitions,
} from './partitioners/partitioner.js';
export {
  RoundRobinPartitioner,
  type RoundRobinPartitionerOptions,
} from './partitioners/round-robin-partitioner.js';
export { StickyPartitioner, type StickyPartitionerOptions } from './partitioners/sticky-partitioner.js';
export {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  type BatchHeader,
  BatchLayout,
  CURRENT_MAGIC,
  checkMagic,
  HEADER_SIZE_UP_TO_MAGIC,
  LOG_OVERHEAD,
  patchBaseOffset,
  patchMaxTimestamp,
  patchPartitionLeaderEpoch,
  readBatchHeader,
  readCompleteBatchHeader,
} from './records/batch-header.js';
export { lastOffset, verifyBatch } from './records/batch-validation.js';
export { type Crc32c, crc32c, crc32cNative, crc32cPure } from './records/crc32c.js';
export { type KafkaRecord, type RecordInput, TimestampType } from './records/record.js';
export {
  type DecodeOptions,
  decodeRecordBatch,
  decodeRecordsWith,
  decodeUncompressedRecordsWith,
  encodeRecordBatch,
  isCompressed,
  type RecordBatch,
  type RecordBatchInput,
} from './records/record-batch.js';
export {
  type BatchSealFields,
  RECORD_OVERHEAD_BOUND,
  RecordBatchBuilder,
  type RecordBytes,
  type RecordHeaderInput,
  sizeOfRecordPayload,
} from './records/record-batch-builder.js';
export {
  type BatchIteratorOptions,
  decodeRecordBatches,
  type RawRecordBatch,
  RecordBatchIterator,
} from './records/record-batch-iterator.js';
export { NO_RECORD_HEADERS, type RecordFactory } from './records/records-reader.js';
export { bytesDeserializer, bytesSerializer } from './serializers/bytes-serde.js';
export { jsonDeserializer, jsonSerializer } from './serializers/json-serde.js';
export type {
  DeserializationContext,
  Deserializer,
  RecordHeader,
  SerializationContext,
  Serializer,
} from './serializers/serializer.js';
export { stringDeserializer, stringSerializer } from './serializers/string-serde.js';
