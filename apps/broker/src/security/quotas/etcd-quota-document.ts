import { Etcd3, type Watcher } from 'etcd3';
import { type QuotaDocument, QuotaDocumentChanged } from './client-quota-store.js';

/**
 * The quotas document of a cluster: one etcd key, `/runnel/<clusterId>/config/client-quotas`
 * (beside the layout of cluster-keys.ts, which ignores it), shared by every broker. A write is a
 * transaction that requires the key's mod revision to be the one this broker last saw, so two
 * brokers altering quotas at once cannot lose each other's change: the loser gets
 * QuotaDocumentChanged with the winner's text and makes its change again on top. Every write, its
 * own included, reaches every broker through a watch; `onChange` gets the text of each one newer
 * than what this broker holds.
 */
export class EtcdQuotaDocument implements QuotaDocument {
  readonly name: string;
  private modRevision = '0';
  private watcher: Watcher | undefined;

  private constructor(
    private readonly client: Etcd3,
    private readonly key: string,
  ) {
    this.name = `etcd key ${key}`;
  }

  /** Reads the document and watches it from then on; rejects when etcd does not answer in `dialTimeoutMs`. */
  static async open(
    endpoints: readonly string[],
    clusterId: string,
    dialTimeoutMs: number,
    onChange: (text: string | null) => void,
  ): Promise<{ document: EtcdQuotaDocument; text: string | null }> {
    const client = new Etcd3({ hosts: [...endpoints], dialTimeout: dialTimeoutMs });
    const document = new EtcdQuotaDocument(client, `/runnel/${clusterId}/config/client-quotas`);
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
        onChange(changed.value.toString());
      });
      document.watcher.on('delete', (deleted) => {
        document.modRevision = deleted.mod_revision;
        onChange(null);
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
    throw new QuotaDocumentChanged(current ? current.value.toString() : null);
  }

  async close(): Promise<void> {
    await this.watcher?.cancel();
    this.client.close();
  }
}
