export { Reader } from './bytes/reader.js';
export { formatUuid, parseUuid, ZERO_UUID } from './bytes/uuid.js';
export { Writer } from './bytes/writer.js';
export { ProtocolError } from './errors/protocol-error.js';
export { ApiVersions } from './messages/apis/api-versions.js';
export { decode, decodeFrom, encode, encodeInto } from './messages/codec.js';
export { RequestHeader, ResponseHeader } from './messages/headers.js';
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
export {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  type BatchHeader,
  BatchLayout,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
  readBatchHeader,
} from './records/batch-header.js';
export { lastOffset, verifyBatch } from './records/batch-validation.js';
export { type Crc32c, crc32c, crc32cNative, crc32cPure } from './records/crc32c.js';
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
export { DeleteGroups } from './messages/apis/delete-groups.js';
export { DescribeGroups } from './messages/apis/describe-groups.js';
export { Heartbeat } from './messages/apis/heartbeat.js';
export { JoinGroup } from './messages/apis/join-group.js';
export { LeaveGroup } from './messages/apis/leave-group.js';
export { ListGroups } from './messages/apis/list-groups.js';
export { OffsetCommit } from './messages/apis/offset-commit.js';
export { OffsetFetch } from './messages/apis/offset-fetch.js';
export { SyncGroup } from './messages/apis/sync-group.js';
