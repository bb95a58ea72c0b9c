import { GroupCommitWindow } from '../produce/group-commit-window.js';
import { ProducerIdManager } from '../produce/producer-id-manager.js';
import { ProducerStates } from '../produce/producer-states.js';
import type { HandlerDependencies, HandlerGroup } from './handler-group.js';
import { InitProducerIdHandler } from './init-producer-id.handler.js';
import { ProduceHandler } from './produce.handler.js';

/**
 * The produce path: appending records (Produce, with acks=-1 answered after a shared fsync) and
 * handing out idempotent producer ids (InitProducerId). Stopping flushes the open group-commit
 * window at once, so waiting acks=-1 requests answer without waiting it out.
 */
export function produceHandlers({ config, topics, authorizer, cluster }: HandlerDependencies): HandlerGroup {
  const groupCommit = new GroupCommitWindow(config.groupCommitWindowMs);
  const producers = new ProducerStates(config.producerIdExpirationMs);
  const replication = cluster && { replicas: cluster.replicas, minInsyncReplicas: config.minInsyncReplicas };
  return {
    handlers: [
      new ProduceHandler(topics, producers, groupCommit, authorizer, replication),
      new InitProducerIdHandler(
        ProducerIdManager.open(config.dataDir, cluster ? config.nodeId : undefined),
        authorizer,
      ),
    ],
    stop: () => groupCommit.stop(),
  };
}
