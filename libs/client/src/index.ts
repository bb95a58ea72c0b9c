export {
  type BrokerAddress,
  BrokerConnection,
  type ConnectionOptions,
  type RequestOptions,
} from './connection/broker-connection.js';
export { ConnectionError } from './errors/connection-error.js';
export { isRetriable } from './errors/is-retriable.js';
export { RunnelError, type RunnelErrorOptions } from './errors/runnel-error.js';
export { TimeoutError } from './errors/timeout-error.js';
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
