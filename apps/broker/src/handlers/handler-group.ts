import type { ClusterNode } from '../cluster/cluster-node.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerEndpoint } from '../network/broker-endpoint.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { AnyApiHandler } from './api-handler.js';

/** What request handlers are built from. */
export interface HandlerDependencies {
  readonly config: BrokerConfig;
  readonly topics: TopicManager;
  readonly endpoint: BrokerEndpoint;
  /** This broker's membership of a cluster (`--cluster`); absent on a single broker. */
  readonly cluster?: ClusterNode;
  /** Whether a request's principal may do what it asks (`--authorizer`; allows everything with `none`). */
  readonly authorizer: Authorizer;
}

/**
 * Handlers that belong together (the produce path, the fetch path, topic administration), with
 * what they must do when the broker stops: `stop` runs once the listener stops accepting and
 * before in-flight requests are drained, so waiting requests (long-polling fetches) can answer.
 */
export interface HandlerGroup {
  readonly handlers: readonly AnyApiHandler[];
  stop?(): void | Promise<void>;
}
