import type { Clock } from './clock.js';
import type { CoordinatorConfig } from './coordinator-config.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';
import type { Rebalancer } from './rebalancer.js';

/** What the request handlers share: the coordinator's parts, built once by GroupCoordinator. */
export interface CoordinatorContext {
  readonly clock: Clock;
  readonly config: CoordinatorConfig;
  readonly groups: GroupMetadataManager;
  readonly rebalancer: Rebalancer;
  /** A new unique member id starting with `prefix` (the client id, or a static member's instance id). */
  readonly newMemberId: (prefix: string) => string;
}
