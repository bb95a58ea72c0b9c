import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AclBinding, AclOperation, AclPermissionType, PatternType, ResourceType } from './acl.js';
import { ACLS_FILE, AclStore, AclStoreError } from './acl-store.js';

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

  it('keeps ACLs across reopening, each once, and leaves no temporary file', () => {
    AclStore.open(dir).add([read, write, { ...read }]);
    const reopened = AclStore.open(dir);
    expect(reopened.all()).toEqual([read, write]);
    expect(existsSync(join(dir, `${ACLS_FILE}.tmp`))).toBe(false);
  });

  it('removes what each filter selects and persists the removal', () => {
    const store = AclStore.open(dir);
    store.add([read, write]);
    const removed = store.remove([
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
    expect(AclStore.open(dir).all()).toEqual([read]);
  });

  it('refuses to start from a file with an invalid ACL, naming the file and the entry', () => {
    writeFileSync(
      join(dir, ACLS_FILE),
      JSON.stringify({ version: 1, acls: [read, { ...read, operation: 99 }] }),
    );
    expect(() => AclStore.open(dir)).toThrow(AclStoreError);
    expect(() => AclStore.open(dir)).toThrow(/acls\[1\] is invalid: operation 99/);
    writeFileSync(join(dir, ACLS_FILE), '{"acls":[');
    expect(() => AclStore.open(dir)).toThrow(/acls.json is not valid JSON/);
    expect(readFileSync(join(dir, ACLS_FILE), 'utf8')).toBe('{"acls":[');
  });
});
