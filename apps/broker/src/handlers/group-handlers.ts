import type { GroupCoordination } from '../groups/group-coordination.js';
import { DeleteGroupsHandler } from './delete-groups.handler.js';
import { DescribeGroupsHandler } from './describe-groups.handler.js';
import { FindCoordinatorHandler } from './find-coordinator.handler.js';
import type { HandlerDependencies, HandlerGroup } from './handler-group.js';
import { HeartbeatHandler } from './heartbeat.handler.js';
import { JoinGroupHandler } from './join-group.handler.js';
import { LeaveGroupHandler } from './leave-group.handler.js';
import { ListGroupsHandler } from './list-groups.handler.js';
import { OffsetCommitHandler } from './offset-commit.handler.js';
import { OffsetFetchHandler } from './offset-fetch.handler.js';
import { SyncGroupHandler } from './sync-group.handler.js';

/**
 * Consumer groups: finding the coordinator (this broker, or in a cluster the leader of the
 * group's `__consumer_offsets` partition), membership and rebalances, committed offsets and their
 * administration, all answered by the broker's GroupCoordination. Stopping shuts the coordination
 * down, which answers every waiting JoinGroup and SyncGroup at once (NOT_COORDINATOR, so clients
 * look for the coordinator again) before in-flight requests drain.
 */
export function groupHandlers(
  { endpoint, topics, authorizer }: HandlerDependencies,
  coordinator: GroupCoordination,
): HandlerGroup {
  return {
    handlers: [
      new FindCoordinatorHandler(endpoint, authorizer, coordinator.coordinatorOf),
      new JoinGroupHandler(coordinator, authorizer),
      new SyncGroupHandler(coordinator, authorizer),
      new HeartbeatHandler(coordinator, authorizer),
      new LeaveGroupHandler(coordinator, authorizer),
      new OffsetCommitHandler(coordinator, topics, authorizer),
      new OffsetFetchHandler(coordinator, authorizer),
      new DescribeGroupsHandler(coordinator, authorizer),
      new ListGroupsHandler(coordinator, authorizer),
      new DeleteGroupsHandler(coordinator, authorizer),
    ],
    stop: () => coordinator.shutdown(),
  };
}
