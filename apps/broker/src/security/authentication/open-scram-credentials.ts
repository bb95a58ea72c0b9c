import { etcdEndpoints } from '../../cluster/etcd-endpoints.js';
import { clusterDocumentKey, EtcdJsonDocument } from '../../cluster/etcd-json-document.js';
import {
  DataDirScramDocument,
  ScramCredentialStore,
  type ScramDocument,
  ScramDocumentChanged,
} from './scram-credential-store.js';

/** The etcd key of a cluster's SCRAM credentials: `/runnel/<clusterId>/config/scram-credentials`. */
export const scramCredentialsKey = (clusterId: string): string =>
  clusterDocumentKey(clusterId, 'scram-credentials');

/**
 * The SCRAM credentials of a broker: `<data-dir>/scram-credentials.json` on a single broker; with
 * `cluster` (etcd endpoints), one etcd key shared by every broker, each change seen by all.
 * Credentials another broker wrote that cannot be read are reported to `warn` and the ones in
 * force are kept. The store's `close()` stops watching etcd.
 */
export async function openScramCredentials(
  config: { readonly dataDir: string; readonly cluster?: string | undefined; readonly clusterId: string },
  warn: (message: string) => void,
): Promise<ScramCredentialStore> {
  const endpoints = config.cluster ? etcdEndpoints(config.cluster) : undefined;
  if (endpoints === undefined) {
    const { document, text } = DataDirScramDocument.open(config.dataDir);
    return new ScramCredentialStore(document, text);
  }
  let store: ScramCredentialStore | undefined;
  const { document, text } = await EtcdJsonDocument.open({
    endpoints,
    key: scramCredentialsKey(config.clusterId),
    changed: (current) => new ScramDocumentChanged(current),
    onChange: (changed) => {
      try {
        store?.replace(changed);
      } catch (err) {
        warn(`SCRAM credentials kept as they were: ${(err as Error).message}`);
      }
    },
  });
  try {
    store = new ScramCredentialStore(document satisfies ScramDocument, text);
  } catch (err) {
    await document.close();
    throw err;
  }
  return store;
}
