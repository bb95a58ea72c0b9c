import { ErrorCode } from '@runnel/protocol';
import { TopicAdminError } from '../topics/topic-admin-error.js';

/**
 * A write to the cluster's metadata that etcd refused because the writer no longer holds what it
 * wrote under: a broker whose registration (its lease, at its epoch) is gone, or a controller
 * whose election key is no longer the one it created. On the wire it is NOT_CONTROLLER, which
 * clients treat as retriable: they refresh their metadata and ask again.
 */
export class ClusterFencedError extends TopicAdminError {
  constructor(description: string) {
    super(ErrorCode.NOT_CONTROLLER, description);
  }
}
