import { etcdEndpoints } from '../../cluster/etcd-endpoints.js';
import { clusterDocumentKey, EtcdJsonDocument } from '../../cluster/etcd-json-document.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import { ClientQuotaManager } from './client-quota-manager.js';
import { ClientQuotaStore, QuotaDocumentChanged } from './client-quota-store.js';
import { DataDirQuotaDocument } from './data-dir-quota-document.js';

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
  const { document, text } = await EtcdJsonDocument.open({
    endpoints,
    key: clusterDocumentKey(config.clusterId, 'client-quotas'),
    changed: (current) => new QuotaDocumentChanged(current),
    onChange: (changed) => {
      try {
        store?.replace(changed);
      } catch (err) {
        warn(`client quotas kept as they were: ${(err as Error).message}`);
      }
    },
  });
  store = new ClientQuotaStore(document, text);
  return new ClientQuotaManager(store, windows);
}
