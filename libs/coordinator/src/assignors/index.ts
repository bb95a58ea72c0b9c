export { ASSIGNORS, assignorByName } from './assignor-registry.js';
export { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
export type {
  AssignmentInput,
  GroupAssignment,
  MemberRebalanceState,
  MemberSubscription,
  PartitionAssignor,
  RebalanceProtocol,
  TopicPartitions,
} from './partition-assignor.js';
export { rangeAssignor } from './range-assignor.js';
export { roundRobinAssignor } from './round-robin-assignor.js';
export { stickyAssignor } from './sticky-assignor.js';
export { DEFAULT_GENERATION } from './sticky-user-data.js';
