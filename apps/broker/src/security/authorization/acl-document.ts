import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Etcd3, type Watcher } from 'etcd3';

/**
 * Where the ACLs are kept, as one JSON text: `<data-dir>/acls.json` on a single broker
 * (DataDirAclDocument), one etcd key shared by every broker of a cluster (EtcdAclDocument).
 */
export interface AclDocument {
  /** Where the document is, for messages. */
  readonly name: string;
  /**
   * Replaces the document with `text`, durably. Rejects with AclDocumentChanged when another
   * writer replaced it since it was last read, so the change can be made again on top of theirs.
   */
  write(text: string): void | Promise<void>;
  close(): Promise<void>;
}

/** The document changed under a write (another broker changed ACLs); `current` is its text now. */
export class AclDocumentChanged extends Error {
  override readonly name = 'AclDocumentChanged';

  constructor(readonly current: string | null) {
    super('the ACLs changed while they were being written');
  }
}

/** The file of a broker's ACLs, in its data directory. */
export const ACLS_FILE = 'acls.json';

/**
 * `<data-dir>/acls.json`, rewritten whole through a temporary file that is fsynced, renamed over
 * it, and the directory fsynced, so after a crash the file holds the ACLs before a change or
 * after it, never a mixture. One broker owns its data dir (the lock), so no write can race it.
 */
export class DataDirAclDocument implements AclDocument {
  private constructor(readonly name: string) {}

  /** The document of `dataDir` and its text (null when there is no file yet). */
  static open(dataDir: string): { document: DataDirAclDocument; text: string | null } {
    const path = join(dataDir, ACLS_FILE);
    try {
      return { document: new DataDirAclDocument(path), text: readFileSync(path, 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { document: new DataDirAclDocument(path), text: null };
    }
  }

  write(text: string): void {
    const temp = `${this.name}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.name);
    const dir = openSync(dirname(this.name), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  async close(): Promise<void> {}
}

/**
 * The ACLs of a cluster: one etcd key, `/runnel/<clusterId>/config/acls` (beside the layout of
 * cluster-keys.ts, which ignores it). A write is a transaction that requires the key's mod
 * revision to be the one this broker last saw, so two brokers changing ACLs at once cannot lose
 * each other's change: the loser gets AclDocumentChanged with the winner's text and makes its
 * change again on top. Every write reaches every broker through a watch; `onChange` gets the
 * text of each one newer than what this broker holds.
 */
export class EtcdAclDocument implements AclDocument {
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
  ): Promise<{ document: EtcdAclDocument; text: string | null }> {
    const client = new Etcd3({ hosts: [...endpoints], dialTimeout: dialTimeoutMs });
    const document = new EtcdAclDocument(client, `/runnel/${clusterId}/config/acls`);
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
    throw new AclDocumentChanged(current ? current.value.toString() : null);
  }

  async close(): Promise<void> {
    await this.watcher?.cancel();
    this.client.close();
  }
}
