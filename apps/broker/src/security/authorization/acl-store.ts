import { BrokerStartupError } from '../../startup/startup-error.js';
import { type AclBinding, type AclBindingFilter, sameAcl, validateAclBinding } from './acl.js';
import { type AclDocument, AclDocumentChanged } from './acl-document.js';
import { AclIndex } from './acl-index.js';
import { filterMatches } from './acl-matcher.js';

/** Attempts at a change that keeps meeting another broker's before giving up. */
const WRITE_ATTEMPTS = 5;

/**
 * The broker's ACLs, held in memory and kept by an AclDocument as
 * `{"version":1,"acls":[{resourceType,resourceName,patternType,principal,host,operation,permissionType}]}`
 * with Kafka's numeric codes. A change is written whole before it applies here, so the ACLs
 * enforced are always the ones stored; changes are made one at a time, and one that meets
 * another broker's (AclDocumentChanged) is made again on top of it. A document that cannot be
 * read or holds an invalid ACL stops the broker at start (AclStoreError naming the document and
 * the entry): an authorizer that guessed past it could grant what an operator had denied.
 */
export class AclStore {
  private acls: readonly AclBinding[];
  /** The index of `acls`, rebuilt whenever they change. */
  private indexed: AclIndex;
  private changing: Promise<unknown> = Promise.resolve();

  /** The ACLs of `document`, whose current text is `text` (null: none yet). */
  constructor(
    private readonly document: AclDocument,
    text: string | null,
  ) {
    this.acls = parseAcls(document.name, text);
    this.indexed = new AclIndex(this.acls);
  }

  /** Every ACL, in the order they were created. */
  all(): readonly AclBinding[] {
    return this.acls;
  }

  /** The ACLs indexed by resource, for the checks of every request. */
  index(): AclIndex {
    return this.indexed;
  }

  /** Adds the ACLs not already present; resolves once stored. */
  add(bindings: readonly AclBinding[]): Promise<void> {
    return this.change((acls) => {
      const next = [...acls];
      for (const binding of bindings) if (!next.some((acl) => sameAcl(acl, binding))) next.push(binding);
      return { next, result: undefined };
    });
  }

  /** Removes the ACLs each filter selects; resolves, once stored, with them per filter in order. */
  remove(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    return this.change((acls) => {
      const removed = filters.map((filter) => acls.filter((acl) => filterMatches(filter, acl)));
      const gone = new Set(removed.flat());
      return { next: acls.filter((acl) => !gone.has(acl)), result: removed };
    });
  }

  /** Takes the document's text as another broker wrote it; throws AclStoreError, keeping the ACLs, when invalid. */
  replace(text: string | null): void {
    this.set(parseAcls(this.document.name, text));
  }

  close(): Promise<void> {
    return this.document.close();
  }

  private set(acls: readonly AclBinding[]): void {
    this.acls = acls;
    this.indexed = new AclIndex(acls);
  }

  private change<T>(
    edit: (acls: readonly AclBinding[]) => { next: readonly AclBinding[]; result: T },
  ): Promise<T> {
    const run = async (): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        const { next, result } = edit(this.acls);
        if (next.length === this.acls.length && next.every((acl, i) => acl === this.acls[i])) return result;
        try {
          await this.document.write(`${JSON.stringify({ version: 1, acls: next })}\n`);
          this.set(next);
          return result;
        } catch (err) {
          if (!(err instanceof AclDocumentChanged) || attempt === WRITE_ATTEMPTS) throw err;
          this.replace(err.current);
        }
      }
    };
    const done = this.changing.then(run, run);
    this.changing = done.catch(() => undefined);
    return done;
  }
}

/**
 * The ACL document cannot be read or holds something that is not an ACL. At start it is a
 * BrokerStartupError (one line, exit 1, the data directory released); from another broker's
 * write it is reported and the ACLs in force are kept.
 */
export class AclStoreError extends BrokerStartupError {
  constructor(message: string, cause?: unknown) {
    super(message, 'authorizer', { cause });
  }
}

function parseAcls(name: string, text: string | null): readonly AclBinding[] {
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AclStoreError(`${name} is not valid JSON: ${(err as Error).message}`, err);
  }
  const acls = (parsed as { acls?: unknown } | null)?.acls;
  if (!Array.isArray(acls)) throw new AclStoreError(`${name} has no "acls" array`);
  return acls.map((entry, index) => {
    try {
      return validateAclBinding(entry);
    } catch (err) {
      throw new AclStoreError(`${name}: acls[${index}] is invalid: ${(err as Error).message}`, err);
    }
  });
}
