import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type AclBinding, type AclBindingFilter, sameAcl, validateAclBinding } from './acl.js';
import { filterMatches } from './acl-matcher.js';

/** The file of a broker's ACLs, in its data directory. */
export const ACLS_FILE = 'acls.json';

/**
 * The broker's ACLs, held in memory and persisted as `<data-dir>/acls.json`:
 * `{"version":1,"acls":[{resourceType,resourceName,patternType,principal,host,operation,permissionType}]}`
 * with Kafka's numeric codes. Every change rewrites the file whole through a temporary file that
 * is fsynced and then renamed over it, so after a crash the file holds either the ACLs before
 * the change or after it, never a mixture. A file that cannot be read or holds an invalid ACL
 * stops the broker at start (AclStoreError naming the file and the entry): an authorizer that
 * guessed past it could grant what an operator had denied.
 */
export class AclStore {
  private acls: AclBinding[];

  private constructor(
    private readonly path: string,
    acls: AclBinding[],
  ) {
    this.acls = acls;
  }

  /** Reads the ACLs of a data directory (none when the file does not exist). */
  static open(dataDir: string): AclStore {
    const path = join(dataDir, ACLS_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new AclStore(path, []);
      throw new AclStoreError(`cannot read ${path}: ${(err as Error).message}`, err);
    }
    return new AclStore(path, parseAclsFile(path, text));
  }

  /** Every ACL, in the order they were created. */
  all(): readonly AclBinding[] {
    return this.acls;
  }

  /** Adds ACLs not already present; persisted before this returns. */
  add(bindings: readonly AclBinding[]): void {
    const next = [...this.acls];
    for (const binding of bindings) if (!next.some((acl) => sameAcl(acl, binding))) next.push(binding);
    this.replace(next);
  }

  /** Removes the ACLs each filter selects; returns them per filter, in the filters' order. */
  remove(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const removed = filters.map((filter) => this.acls.filter((acl) => filterMatches(filter, acl)));
    const gone = new Set(removed.flat());
    if (gone.size > 0) this.replace(this.acls.filter((acl) => !gone.has(acl)));
    return removed;
  }

  private replace(next: AclBinding[]): void {
    const temp = `${this.path}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, acls: next })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    this.acls = next;
  }
}

/** The ACL file cannot be read or holds something that is not an ACL. */
export class AclStoreError extends Error {
  override readonly name = 'AclStoreError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

function parseAclsFile(path: string, text: string): AclBinding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AclStoreError(`${path} is not valid JSON: ${(err as Error).message}`, err);
  }
  const acls = (parsed as { acls?: unknown }).acls;
  if (!Array.isArray(acls)) throw new AclStoreError(`${path} has no "acls" array`);
  return acls.map((entry, index) => {
    try {
      return validateAclBinding(entry);
    } catch (err) {
      throw new AclStoreError(`${path}: acls[${index}] is invalid: ${(err as Error).message}`, err);
    }
  });
}
