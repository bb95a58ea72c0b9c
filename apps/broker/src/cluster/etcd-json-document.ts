import { Etcd3, type Watcher } from 'etcd3';

/** How long startup waits for etcd to answer a document's first read, as the cluster's own read. */
export const ETCD_DOCUMENT_DIAL_TIMEOUT_MS = 5000;

/** The key of the cluster-wide document `name`: `/runnel/<clusterId>/config/<name>` (beside cluster-keys.ts's layout, which ignores it). */
export function clusterDocumentKey(clusterId: string, name: string): string {
  return `/runnel/${clusterId}/config/${name}`;
}

/**
 * One JSON document a cluster shares in one etcd key: the ACLs, the client quotas, the SCRAM
 * credentials. A write is a transaction that requires the key's mod revision to be the one this
 * broker last saw, so two brokers changing the document at once cannot lose each other's change:
 * the loser gets the error `changed` makes of the winner's text and makes its change again on
 * top. Every write reaches every broker through a watch; `onChange` gets the text of each one
 * newer than what this broker holds (null when the key was deleted).
 */
export class EtcdJsonDocument {
  readonly name: string;
  private modRevision = '0';
  private watcher: Watcher | undefined;

  private constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly changed: (current: string | null) => Error,
  ) {
    this.name = `etcd key ${key}`;
  }

  /** Reads the document at `key` and watches it from then on; rejects when etcd does not answer in `dialTimeoutMs`. */
  static async open(options: {
    endpoints: readonly string[];
    key: string;
    dialTimeoutMs?: number;
    /** The error a write that met another broker's rejects with. */
    changed: (current: string | null) => Error;
    onChange: (text: string | null) => void;
  }): Promise<{ document: EtcdJsonDocument; text: string | null }> {
    const client = new Etcd3({
      hosts: [...options.endpoints],
      dialTimeout: options.dialTimeoutMs ?? ETCD_DOCUMENT_DIAL_TIMEOUT_MS,
    });
    const document = new EtcdJsonDocument(client, options.key, options.changed);
    try {
      const read = await client.get(document.key).exec();
      const kv = read.kvs[0];
      document.modRevision = kv?.mod_revision ?? '0';
      document.watcher = await client
        .watch()
        .key(document.key)
        .startRevision(String(Number(read.header.revision) + 1))
        .create();
      document.watcher.on('put', (changed) => {
        if (BigInt(changed.mod_revision) <= BigInt(document.modRevision)) return;
        document.modRevision = changed.mod_revision;
        options.onChange(changed.value.toString());
      });
      document.watcher.on('delete', (deleted) => {
        document.modRevision = deleted.mod_revision;
        options.onChange(null);
      });
      return { document, text: kv ? kv.value.toString() : null };
    } catch (err) {
      client.close();
      throw err;
    }
  }

  async write(text: string): Promise<void> {
    const result = await this.client
      .if(this.key, 'Mod', '==', this.modRevision)
      .then(this.client.put(this.key).value(text))
      .else(this.client.get(this.key))
      .commit();
    if (result.succeeded) {
      // The put's revision is the transaction's; the watch then delivers it as nothing new.
      this.modRevision = result.header.revision;
      return;
    }
    const current = result.responses[0]?.response_range?.kvs[0];
    this.modRevision = current?.mod_revision ?? '0';
    throw this.changed(current ? current.value.toString() : null);
  }

  async close(): Promise<void> {
    await this.watcher?.cancel();
    this.client.close();
  }
}
