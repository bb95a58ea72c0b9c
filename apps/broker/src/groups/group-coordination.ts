import type { GroupCoordinator } from '@runnel/coordinator';
import type { AdvertisedAddress } from '../network/broker-endpoint.js';

/**
 * What the group handlers ask of the broker's group coordination: on a single broker the one
 * `GroupCoordinator` of every group; in a cluster a ClusterGroupCoordinator, which answers each
 * group from the coordinator of its `__consumer_offsets` partition while this broker leads it.
 */
export interface GroupCoordination
  extends Pick<
    GroupCoordinator,
    | 'joinGroup'
    | 'syncGroup'
    | 'heartbeat'
    | 'leaveGroup'
    | 'commitOffsets'
    | 'fetchOffsets'
    | 'describeGroups'
    | 'listGroups'
    | 'deleteGroups'
    | 'groupMetrics'
    | 'shutdown'
  > {
  /**
   * In a cluster, the broker coordinating `groupId` at `listenerName` (FindCoordinator), or why
   * none is available now. Absent on a single broker, which coordinates every group itself.
   */
  readonly coordinatorOf?: (groupId: string, listenerName: string) => Promise<AdvertisedAddress | string>;
}

/** The NestJS token of the broker's GroupCoordination. */
export const GROUP_COORDINATION = 'GroupCoordination';
