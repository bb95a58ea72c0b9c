export type {
  DeleteGroupResult,
  DescribedGroup,
  DescribedMember,
  GroupMetrics,
  ListGroupsResult,
} from './admin-types.js';
export * from './assignors/index.js';
export { type Clock, systemClock } from './clock.js';
export {
  type CoordinatorConfig,
  type CoordinatorOptions,
  DEFAULT_COORDINATOR_CONFIG,
  resolveCoordinatorConfig,
} from './coordinator-config.js';
export { type ExpiryResult, GroupCoordinator, type GroupCoordinatorDeps } from './group-coordinator.js';
export type {
  GroupMetadataRecord,
  GroupMetadataSnapshot,
  GroupRecord,
  OffsetCommitRecord,
  PersistedMember,
} from './group-records.js';
export type { GroupState } from './group-state.js';
export { type GroupStore, InMemoryGroupStore } from './group-store.js';
export { ManualScheduler } from './manual-scheduler.js';
export type {
  HeartbeatRequest,
  HeartbeatResult,
  JoinGroupMember,
  JoinGroupRequest,
  JoinGroupResult,
  JoinProtocol,
  LeaveGroupRequest,
  LeaveGroupResult,
  LeavingMember,
  SyncGroupRequest,
  SyncGroupResult,
} from './membership-types.js';
export type { OffsetAndMetadata, TopicPartition } from './offset-and-metadata.js';
export type {
  FetchedOffset,
  OffsetCommitRequest,
  OffsetCommitResult,
  OffsetFetchRequest,
  OffsetFetchResult,
} from './offset-types.js';
export {
  DEFAULT_OFFSETS_TOPIC_PARTITIONS,
  OFFSETS_TOPIC,
  offsetsTopicPartitionFor,
} from './offsets-topic.js';
export { decodeGroupRecord, type EncodedGroupRecord, encodeGroupRecord } from './offsets-topic-codec.js';
export {
  GroupMetadataKey,
  GroupMetadataValue,
  OffsetCommitKey,
  OffsetCommitValue,
} from './offsets-topic-schemas.js';
export type { ScheduledTask, Scheduler } from './scheduler.js';
export { TimerScheduler } from './timer-scheduler.js';
