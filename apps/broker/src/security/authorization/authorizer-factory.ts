import { etcdEndpoints } from '../../cluster/etcd-endpoints.js';
import { clusterDocumentKey, EtcdJsonDocument } from '../../cluster/etcd-json-document.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import { AclDocumentChanged, DataDirAclDocument } from './acl-document.js';
import { AclStore, AclStoreError } from './acl-store.js';
import { Authorizer } from './authorizer.js';

/**
 * The authorizer `--authorizer`, `--super-users` and `--allow-everyone-if-no-acl-found` describe,
 * with its ACLs in `<data-dir>/acls.json` on a single broker and in etcd with `--cluster` (shared
 * by every broker, each change seen by all). ACLs another broker wrote that cannot be read are
 * reported to `warn` and the ACLs in force are kept.
 */
export async function openAuthorizer(
  config: BrokerConfig,
  warn: (message: string) => void,
): Promise<Authorizer> {
  if (config.authorizer === 'none') return Authorizer.none();
  const rules = {
    superUsers: parseSuperUsers(config.superUsers ?? ''),
    allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
  };
  const endpoints = config.cluster ? etcdEndpoints(config.cluster) : undefined;
  if (endpoints === undefined) {
    let opened: ReturnType<typeof DataDirAclDocument.open>;
    try {
      opened = DataDirAclDocument.open(config.dataDir);
    } catch (err) {
      throw new AclStoreError(`cannot read the ACLs of ${config.dataDir}: ${(err as Error).message}`, err);
    }
    return Authorizer.acl(new AclStore(opened.document, opened.text), rules);
  }
  let store: AclStore | undefined;
  const { document, text } = await EtcdJsonDocument.open({
    endpoints,
    key: clusterDocumentKey(config.clusterId, 'acls'),
    changed: (current) => new AclDocumentChanged(current),
    onChange: (changed) => {
      try {
        store?.replace(changed);
      } catch (err) {
        warn(`ACLs kept as they were: ${(err as Error).message}`);
      }
    },
  });
  try {
    store = new AclStore(document, text);
  } catch (err) {
    await document.close();
    throw err;
  }
  return Authorizer.acl(store, rules);
}

/** `User:a;User:b` (Kafka's `super.users`: semicolon-separated principals) as a set. */
export function parseSuperUsers(value: string): Set<string> {
  return new Set(
    value
      .split(';')
      .map((principal) => principal.trim())
      .filter((principal) => principal !== ''),
  );
}
