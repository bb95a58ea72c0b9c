import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AclBinding, AclOperation, AclPermissionType, PatternType, ResourceType } from './acl.js';
import { ACLS_FILE, AclDocumentChanged, DataDirAclDocument } from './acl-document.js';
import { AclStore, AclStoreError } from './acl-store.js';

/** The store of a data dir, as a single broker opens it. */
function open(dir: string): AclStore {
  const { document, text } = DataDirAclDocument.open(dir);
  return new AclStore(document, text);
}

const read: AclBinding = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: AclPermissionType.ALLOW,
};
const write: AclBinding = { ...read, operation: AclOperation.WRITE };

describe('AclStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acl-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps ACLs across reopening, each once, and leaves no temporary file', async () => {
    await open(dir).add([read, write, { ...read }]);
    const reopened = open(dir);
    expect(reopened.all()).toEqual([read, write]);
    expect(existsSync(join(dir, `${ACLS_FILE}.tmp`))).toBe(false);
  });

  it('removes what each filter selects and persists the removal', async () => {
    const store = open(dir);
    await store.add([read, write]);
    const removed = await store.remove([
      {
        resourceType: ResourceType.TOPIC,
        resourceName: null,
        patternType: PatternType.ANY,
        principal: null,
        host: null,
        operation: AclOperation.WRITE,
        permissionType: AclPermissionType.ANY,
      },
    ]);
    expect(removed).toEqual([[write]]);
    expect(open(dir).all()).toEqual([read]);
  });

  it('refuses to start from a file with an invalid ACL, naming the file and the entry', () => {
    writeFileSync(
      join(dir, ACLS_FILE),
      JSON.stringify({ version: 1, acls: [read, { ...read, operation: 99 }] }),
    );
    expect(() => open(dir)).toThrow(AclStoreError);
    expect(() => open(dir)).toThrow(/acls\[1\] is invalid: operation 99/);
    writeFileSync(join(dir, ACLS_FILE), '{"acls":[');
    expect(() => open(dir)).toThrow(/acls.json is not valid JSON/);
    expect(readFileSync(join(dir, ACLS_FILE), 'utf8')).toBe('{"acls":[');
  });
});

describe('AclStore over a document another writer changes', () => {
  /** A document that, at its first write, has already been changed to `theirs` by someone else. */
  function contested(theirs: AclBinding[]) {
    const writes: string[] = [];
    let changed = false;
    const document = {
      name: 'contested document',
      write(text: string) {
        if (!changed) {
          changed = true;
          throw new AclDocumentChanged(JSON.stringify({ version: 1, acls: theirs }));
        }
        writes.push(text);
      },
      close: async () => {},
    };
    return { document, writes };
  }

  it('makes its change again on top of the other writer’s, losing neither', async () => {
    const { document, writes } = contested([write]);
    const store = new AclStore(document, null);
    await store.add([read]);
    expect(store.all()).toEqual([write, read]);
    expect(JSON.parse(writes[0]!).acls).toEqual([write, read]);
  });

  it('applies concurrent changes one after the other', async () => {
    const { document } = contested([]);
    const store = new AclStore(document, null);
    await Promise.all([store.add([read]), store.add([write])]);
    expect(store.all()).toEqual([read, write]);
  });
});
