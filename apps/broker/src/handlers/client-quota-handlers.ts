import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ClientQuotaManager } from '../security/quotas/client-quota-manager.js';
import { AlterClientQuotasHandler } from './alter-client-quotas.handler.js';
import { DescribeClientQuotasHandler } from './describe-client-quotas.handler.js';
import type { HandlerGroup } from './handler-group.js';

/** The client quota admin APIs (KIP-546): describing and altering the quotas the broker enforces; `stop` stops watching etcd. */
export function clientQuotaHandlers(quotas: ClientQuotaManager, authorizer: Authorizer): HandlerGroup {
  const { store } = quotas;
  return {
    handlers: [
      new DescribeClientQuotasHandler(store, authorizer),
      new AlterClientQuotasHandler(store, authorizer),
    ],
    stop: () => quotas.close(),
  };
}
