import type { ClientQuotaStore } from '../security/quotas/client-quota-store.js';
import { AlterClientQuotasHandler } from './alter-client-quotas.handler.js';
import { DescribeClientQuotasHandler } from './describe-client-quotas.handler.js';
import type { HandlerGroup } from './handler-group.js';

/** The client quota admin APIs (KIP-546): describing and altering the quotas the broker enforces. */
export function clientQuotaHandlers(store: ClientQuotaStore): HandlerGroup {
  return { handlers: [new DescribeClientQuotasHandler(store), new AlterClientQuotasHandler(store)] };
}
