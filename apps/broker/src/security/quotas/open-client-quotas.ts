import { etcdEndpoints } from '../../cluster/etcd-endpoints.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import { ClientQuotaManager } from './client-quota-manager.js';
import { ClientQuotaStore } from './client-quota-store.js';
import { DataDirQuotaDocument } from './data-dir-quota-document.js';
import { EtcdQuotaDocument } from './etcd-quota-document.js';

/** How long startup waits for etcd to answer the quotas read, as the cluster's own read. */
const ETCD_DIAL_TIMEOUT_MS = 5000;

/**
 * The broker's client quotas: in `<data-dir>/client-quotas.json` on a single broker, in etcd with
 * `--cluster` (shared by every broker, changes seen by all), measured over the configured
 * windows. The manager's `close()` stops watching etcd. A document another broker wrote that cannot be read
 * is reported to `warn` and the quotas in force are kept.
 */
export async function openClientQuotas(
  config: BrokerConfig,
  warn: (message: string) => void,
): Promise<ClientQuotaManager> {
  const windows = { samples: config.quotaWindowNum, sampleMs: config.quotaWindowSizeSeconds * 1000 };
  const endpoints = config.cluster ? etcdEndpoints(config.cluster) : undefined;
  if (endpoints === undefined) {
    const { document, text } = DataDirQuotaDocument.open(config.dataDir);
    return new ClientQuotaManager(new ClientQuotaStore(document, text), windows);
  }
  let store: ClientQuotaStore | undefined;
  const { document, text } = await EtcdQuotaDocument.open(
    endpoints,
    config.clusterId,
    ETCD_DIAL_TIMEOUT_MS,
    (changed) => {
      try {
        store?.replace(changed);
      } catch (err) {
        warn(`client quotas kept as they were: ${(err as Error).message}`);
      }
    },
  );
  store = new ClientQuotaStore(document, text);
  return new ClientQuotaManager(store, windows);
}
