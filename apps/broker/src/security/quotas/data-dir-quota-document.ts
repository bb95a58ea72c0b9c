import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuotaDocument } from './client-quota-store.js';

export const CLIENT_QUOTAS_FILE = 'client-quotas.json';

/**
 * The quotas document of a single broker, `<data-dir>/client-quotas.json`. Writes replace the
 * file atomically (temp file, fsync, rename, fsync of the directory), so a crash leaves the old
 * quotas or the new ones. The data dir is locked by its broker, so there is no other writer.
 */
export class DataDirQuotaDocument implements QuotaDocument {
  readonly name: string;

  private constructor(private readonly dataDir: string) {
    this.name = join(dataDir, CLIENT_QUOTAS_FILE);
  }

  /** The document of `dataDir` and its text (null when the file does not exist yet). */
  static open(dataDir: string): { document: DataDirQuotaDocument; text: string | null } {
    const document = new DataDirQuotaDocument(dataDir);
    try {
      return { document, text: readFileSync(document.name, 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { document, text: null };
    }
  }

  write(text: string): void {
    const temp = `${this.name}.tmp`;
    writeFileSync(temp, text);
    fsyncPath(temp);
    renameSync(temp, this.name);
    fsyncPath(this.dataDir);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
