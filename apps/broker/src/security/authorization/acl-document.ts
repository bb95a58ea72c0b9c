import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the ACLs are kept, as one JSON text: `<data-dir>/acls.json` on a single broker
 * (DataDirAclDocument), one etcd key shared by every broker of a cluster (EtcdJsonDocument).
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
