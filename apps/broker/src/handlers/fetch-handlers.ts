import { FetchPurgatory } from '../fetch/fetch-purgatory.js';
import { FetchHandler } from './fetch.handler.js';
import type { HandlerDependencies, HandlerGroup } from './handler-group.js';
import { ListOffsetsHandler } from './list-offsets.handler.js';
import { OffsetForLeaderEpochHandler } from './offset-for-leader-epoch.handler.js';

/**
 * The fetch path: reading records (Fetch, with long polls) and finding offsets (ListOffsets,
 * OffsetForLeaderEpoch).
 * Stopping answers every waiting fetch at once with what it has, so shutdown never waits out a
 * `maxWaitMs`.
 */
export function fetchHandlers({ config, topics, authorizer, cluster }: HandlerDependencies): HandlerGroup {
  const purgatory = new FetchPurgatory();
  return {
    handlers: [
      new FetchHandler(topics, config, purgatory, authorizer, cluster?.replicas),
      new ListOffsetsHandler(topics, authorizer),
      new OffsetForLeaderEpochHandler(topics, authorizer),
    ],
    stop: () => purgatory.stop(),
  };
}
