/** Broker error codes arrive as @runnel/protocol's KafkaError; re-exported so users can tell them apart by class and code. */
export { ErrorCode, KafkaError } from '@runnel/protocol';
export { Admin } from './admin/admin.js';
export { TopicNotFoundError } from './admin/admin-context.js';
export { AdminAggregateError } from './admin/admin-errors.js';
export { type AdminOptions, DEFAULT_ADMIN_OPTIONS } from './admin/admin-options.js';
export {
  type ConfigEntry,
  type ConfigResourceDescription,
  type ConfigResourceQuery,
  ConfigResourceType,
  ConfigSource,
  type GroupDescription,
  type GroupMemberDescription,
  type GroupOverview,
  type GroupPartitionOffset,
  type GroupTopicOffsets,
  type PartitionDescription,
  type PartitionOffset,
  type PartitionOffsets,
  type TopicConfig,
  type TopicDescription,
} from './admin/admin-types.js';
export type {
  ConfigAlteration,
  ConfigOperation,
  IncrementalAlterConfigsOptions,
} from './admin/alter-configs-admin.js';
export type { DescribeConfigsOptions } from './admin/config-admin.js';
export type { BrokerLogDirs, LogDirDescription, LogDirReplica } from './admin/log-dirs-admin.js';
export type { DeleteRecordsOptions } from './admin/offset-admin.js';
export type {
  GroupOffsetReset,
  PartitionOffsetReset,
  ResetOffsetsOptions,
} from './admin/reset-offsets-admin.js';
export type { CreatePartitionsOptions, CreateTopicsOptions } from './admin/topic-admin.js';
export {
  type BrokerAddress,
  BrokerConnection,
  type ConnectionOptions,
  type RequestOptions,
} from './connection/broker-connection.js';
export { FrameReader } from './connection/frame-reader.js';
export { SaslAuthenticationError, type SaslOptions } from './connection/sasl-authenticator.js';
export {
  type AssignedPartition,
  Consumer,
  type ConsumerCommitEvent,
  type ConsumerCrashEvent,
  type ConsumerEvents,
  type OffsetToCommit,
  type RunOptions,
  type SubscribeOptions,
} from './consumer/consumer.js';
export {
  ConsumerConfigError,
  ConsumerStateError,
  HandlerError,
  NoOffsetForPartitionError,
  RecordBatchTooLargeError,
  UnknownTopicOrPartitionError,
} from './consumer/consumer-errors.js';
export type {
  ConsumerBatch,
  ConsumerHeaderValue,
  ConsumerMessage,
  ConsumerMessageHeaders,
} from './consumer/consumer-message.js';
export {
  type AutoOffsetReset,
  type ConsumerOptions,
  DEFAULT_CONSUMER_OPTIONS,
  type IsolationLevel,
  type PartitionsListener,
} from './consumer/consumer-options.js';
export {
  type ConsumerGroupOptions,
  DEFAULT_GROUP_OPTIONS,
  KAFKAJS_ROUND_ROBIN,
} from './consumer/group/consumer-group-options.js';
export {
  CommitFailedError,
  ConsumerGroupConfigError,
  GroupMembershipError,
  RebalanceInProgressError,
} from './consumer/group/group-errors.js';
export type { GroupEvent, GroupEventListener, GroupLogger } from './consumer/group/group-events.js';
export type { Batch, EachBatchPayload, EachMessagePayload } from './consumer/run-handlers.js';
export { ConnectionError } from './errors/connection-error.js';
export { isRetriable } from './errors/is-retriable.js';
export { RunnelError, type RunnelErrorOptions } from './errors/runnel-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export { Cluster, type ClusterOptions, type ConnectionPurpose } from './metadata/cluster.js';
export type {
  BrokerNode,
  ClusterMetadata,
  PartitionMetadata,
  TopicMetadata,
} from './metadata/cluster-metadata.js';
export { describeTopicPartition, type TopicPartition } from './metadata/topic-partition.js';
export { Producer } from './producer/producer.js';
export {
  DeliveryTimeoutError,
  ProducerBlockedTimeoutError,
  ProducerClosedError,
  ProducerConfigError,
  RecordTooLargeError,
  UnknownTopicError,
} from './producer/producer-errors.js';
export {
  type Acks,
  type CompressionName,
  type PartitionerFunction,
  PRODUCER_DEFAULTS,
  type ProducerOptions,
} from './producer/producer-options.js';
export type {
  HeaderValue,
  Message,
  MessageHeaders,
  ProducerRecord,
  RecordMetadata,
  RecordValue,
  TopicMessages,
} from './producer/producer-record.js';
export { Runnel } from './runnel.js';
export { DEFAULT_RUNNEL_OPTIONS, type RunnelOptions } from './runnel-options.js';
