import type { HandlerDependencies, HandlerGroup } from './handler-group.js';
import { MetadataHandler } from './metadata.handler.js';

/** Metadata and topic administration: creating, growing, describing and deleting topics and records. */
export function topicAdminHandlers({ topics, endpoint }: HandlerDependencies): HandlerGroup {
  return { handlers: [new MetadataHandler(topics, endpoint)] };
}
