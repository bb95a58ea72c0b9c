/**
 * The record headers this transport reads and writes, named once. The request-reply headers are
 * those of NestJS's built-in Kafka transport (`KafkaHeaders`), so a `Transport.KAFKA` client or
 * server on the other side understands them; the dead-letter headers follow the `kafka_dlt-*`
 * names Spring Kafka and NestJS's `KafkaHeaders` use for dead-letter topics.
 */
export enum RunnelHeaders {
  /** Request: the id the reply carries back. */
  CORRELATION_ID = 'kafka_correlationId',
  /** Request: the topic to reply to (`${pattern}.reply`). */
  REPLY_TOPIC = 'kafka_replyTopic',
  /** Request: the partition of the reply topic to reply to, as a decimal string. */
  REPLY_PARTITION = 'kafka_replyPartition',
  /** Reply: the handler's error, JSON (`{ status, message }` for an RpcException). */
  NEST_ERR = 'kafka_nest-err',
  /** Reply: present (one zero byte) on the last reply of a request. */
  NEST_IS_DISPOSED = 'kafka_nest-is-disposed',
  /** NestJS 12 packet metadata (`packet.metadata`, set by `setOnDispatchHook`), as a JSON object of strings. */
  NEST_METADATA = 'kafka_nest-metadata',
  /** W3C Trace Context: `version-traceId-parentId-flags`. */
  TRACEPARENT = 'traceparent',
  /** W3C Trace Context: vendor-specific trace state. */
  TRACESTATE = 'tracestate',
  /** Dead letter: the error's message (for a validation failure, each violated constraint). */
  DLT_EXCEPTION_MESSAGE = 'kafka_dlt-exception-message',
  /** Dead letter: what failed — the error's class name, or `PayloadValidationException`. */
  DLT_EXCEPTION_FQCN = 'kafka_dlt-exception-fqcn',
  /** Dead letter: the violated class-validator constraints, JSON `[{ property, value, constraints }]`. */
  DLT_VALIDATION_ERRORS = 'kafka_dlt-validation-errors',
  /** Dead letter: the topic the record was consumed from. */
  DLT_ORIGINAL_TOPIC = 'kafka_dlt-original-topic',
  /** Dead letter: its partition, decimal. */
  DLT_ORIGINAL_PARTITION = 'kafka_dlt-original-partition',
  /** Dead letter: its offset, decimal. */
  DLT_ORIGINAL_OFFSET = 'kafka_dlt-original-offset',
  /** Dead letter: its timestamp, milliseconds since the epoch, decimal. */
  DLT_ORIGINAL_TIMESTAMP = 'kafka_dlt-original-timestamp',
  /** Dead letter: the consumer group that gave up on it. */
  DLT_ORIGINAL_CONSUMER_GROUP = 'kafka_dlt-original-consumer-group',
  /** Dead letter: how many times the handler was tried, decimal. */
  DELIVERY_ATTEMPT = 'kafka_deliveryAttempt',
}
