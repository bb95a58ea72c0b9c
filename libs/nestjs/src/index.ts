export { ClientRunnel, type ClientRunnelInternals, replyTopicOf } from './client/client-runnel.js';
export { RunnelContext, type RunnelContextArgs } from './ctx-host/runnel.context.js';
export { RunnelHeaders } from './enums/runnel-headers.enum.js';
export { RunnelStatus } from './enums/runnel-status.enum.js';
export {
  isPayloadValidationError,
  type PayloadValidationError,
  PayloadValidationException,
  type PayloadViolation,
  RunnelValidationPipe,
} from './errors/payload-validation.exception.js';
export { RequestTimeoutError } from './errors/request-timeout.error.js';
export { RunnelOptionError } from './errors/runnel-option.error.js';
export { ContiguousOffsetTracker } from './helpers/contiguous-offset-tracker.js';
export { type KeyedTask, KeyOrderedQueue } from './helpers/key-ordered-queue.js';
export type { DecodedHeaders } from './helpers/record-codec.js';
export {
  DEFAULT_CLIENT_OPTIONS,
  type RunnelClientOptions,
} from './interfaces/runnel-client-options.interface.js';
export {
  DEFAULT_GROUP_ID,
  DEFAULT_SERVER_OPTIONS,
  type RunnelRetryOptions,
  type RunnelServerConsumerOptions,
  type RunnelServerOptions,
} from './interfaces/runnel-server-options.interface.js';
export { ensureTopics } from './log/ensure-topics.js';
export {
  type ReplayedRecord,
  type ReplayOptions,
  type ReplayReport,
  replayTopic,
} from './log/replay-topic.js';
export {
  RunnelModule,
  type RunnelModuleAsyncOptions,
  type RunnelModuleOptions,
} from './module/runnel.module.js';
export { type DeadLetterEvent, deadLetterTopic } from './server/dead-letter.js';
export {
  RUNNEL_TRANSPORT,
  ServerRunnel,
  type ServerRunnelEvents,
  type ServerRunnelInternals,
} from './server/server-runnel.js';
