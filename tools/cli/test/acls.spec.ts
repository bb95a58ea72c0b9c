import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { runnel } from './support/cli-harness.js';

/** `acls list --json` as [principal, permission, operation, resource type, name, pattern]. */
async function listed(b: string[], ...filter: string[]): Promise<string[][]> {
  const result = await runnel(['acls', 'list', '--json', ...filter, ...b]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const { acls } = JSON.parse(result.stdout) as { acls: Record<string, string>[] };
  return acls
    .map((a) => [a.principal!, a.permission!, a.operation!, a.resourceType!, a.resourceName!, a.patternType!])
    .sort((x, y) => x.join().localeCompare(y.join()));
}

describe('runnel acls', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let b: string[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'runnel-cli-acls-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      logger: false,
      dataDir,
      authorizer: 'acl',
      superUsers: 'User:ANONYMOUS',
    });
    b = ['-b', broker.bootstrapServers];
  });
  afterAll(async () => {
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds, lists by resource and pattern, and removes ACLs with kafka-acls.sh flags', async () => {
    const added = await runnel([
      'acls',
      'add',
      '--topic',
      'orders-',
      '--resource-pattern-type',
      'prefixed',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Write',
      '--operation',
      'read',
      ...b,
    ]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/User:alice +\* +WRITE +ALLOW +TOPIC +orders- +PREFIXED/);
    await runnel([
      'acls',
      'add',
      '--group',
      'billing',
      '--deny-principal',
      'User:bob',
      '--operation',
      'All',
      ...b,
    ]);

    expect(await listed(b)).toEqual([
      ['User:alice', 'ALLOW', 'READ', 'TOPIC', 'orders-', 'PREFIXED'],
      ['User:alice', 'ALLOW', 'WRITE', 'TOPIC', 'orders-', 'PREFIXED'],
      ['User:bob', 'DENY', 'ALL', 'GROUP', 'billing', 'LITERAL'],
    ]);
    // match: the ACLs that apply to a topic; literal: only ACLs of exactly that pattern.
    expect((await listed(b, '--topic', 'orders-eu', '--resource-pattern-type', 'match')).length).toBe(2);
    expect(await listed(b, '--topic', 'orders-eu')).toEqual([]);
    expect((await listed(b, '--principal', 'User:bob')).map((a) => a[4])).toEqual(['billing']);

    const removed = await runnel([
      'acls',
      'remove',
      '--topic',
      'orders-',
      '--resource-pattern-type',
      'prefixed',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Write',
      '--json',
      ...b,
    ]);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout).removed.map((a: { operation: string }) => a.operation)).toEqual([
      'WRITE',
    ]);
    expect((await listed(b)).map((a) => a[2])).toEqual(['READ', 'ALL']);
  });

  it('refuses bad flags as usage errors naming the value, before asking the broker', async () => {
    const operation = await runnel([
      'acls',
      'add',
      '--topic',
      't',
      '--allow-principal',
      'User:a',
      '--operation',
      'Fly',
      ...b,
    ]);
    expect(operation.code).toBe(2);
    expect(operation.stderr).toContain('--operation Fly: expected one of Read, Write');
    const principal = await runnel([
      'acls',
      'add',
      '--topic',
      't',
      '--allow-principal',
      'alice',
      '--operation',
      'Read',
      ...b,
    ]);
    expect(principal.code).toBe(2);
    expect(principal.stderr).toContain('--allow-principal alice: expected Type:name');
    const resource = await runnel([
      'acls',
      'add',
      '--allow-principal',
      'User:a',
      '--operation',
      'Read',
      ...b,
    ]);
    expect(resource.code).toBe(2);
    expect(resource.stderr).toContain('add needs a resource');
  });

  it("reports an ACL the broker refuses as a failure with the broker's reason", async () => {
    const refused = await runnel([
      'acls',
      'add',
      '--topic',
      '',
      '--allow-principal',
      'User:a',
      '--operation',
      'Read',
      ...b,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('resourceName must not be empty');
    expect(await listed(b, '--principal', 'User:a')).toEqual([]);
  });
});
