import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addScramUser, type RunningBroker, startBroker } from '@runnel/broker';
import { Runnel } from '@runnel/client';
import { runnel } from './support/cli-harness.js';

/** Whether @runnel/client can connect over SASL_PLAINTEXT as `username` with SCRAM-SHA-512. */
async function canLogIn(broker: RunningBroker, username: string, password: string): Promise<boolean> {
  const admin = new Runnel({
    brokers: [`127.0.0.1:${broker.ports.SASL_PLAINTEXT}`],
    sasl: { mechanism: 'scram-sha-512', username, password },
    connectionTimeoutMs: 3000,
  }).admin();
  try {
    await admin.connect();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('runnel users', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let b: string[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'runnel-cli-users-'));
    await addScramUser(dataDir, ['admin', '--mechanism', 'SCRAM-SHA-256', '--password', 'admin-secret']);
    broker = await startBroker({
      httpPort: -1,
      logger: false,
      dataDir,
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    });
    b = ['-b', `127.0.0.1:${broker.ports.PLAINTEXT}`];
  });
  afterAll(async () => {
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sets a password a client then logs in with, lists it, and deletes it', async () => {
    const set = await runnel([
      'users',
      'set-password',
      'carol',
      '--password',
      'carol-secret',
      '--iterations',
      '8192',
      ...b,
    ]);
    expect(set).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'set the SCRAM-SHA-512 password of carol (8192 iterations)\n',
    });
    await expect(canLogIn(broker, 'carol', 'carol-secret')).resolves.toBe(true);

    const listed = await runnel(['users', 'list', '--json', ...b]);
    expect(JSON.parse(listed.stdout)).toEqual({
      users: [
        { user: 'admin', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }] },
        { user: 'carol', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
      ],
    });
    expect((await runnel(['users', 'list', 'carol', ...b])).stdout).toMatch(/carol +SCRAM-SHA-512 +8192/);

    expect(await runnel(['users', 'delete', 'carol', ...b])).toMatchObject({ code: 0 });
    await expect(canLogIn(broker, 'carol', 'carol-secret')).resolves.toBe(false);
  });

  it('refuses iterations outside 4096-16384 as a usage error, and a user without credentials as a failure', async () => {
    const bad = await runnel([
      'users',
      'set-password',
      'dave',
      '--password',
      'x',
      '--iterations',
      '10',
      ...b,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--iterations '10'/);
    const missing = await runnel(['users', 'list', 'nobody', ...b]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nobody/);
  });

  it('reaches a SASL listener with the settings of --command-config, and fails cleanly with a wrong password', async () => {
    const config = (password: string) => {
      const file = join(dataDir, `client-${password}.properties`);
      writeFileSync(
        file,
        `# as kcat -F\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=admin\nsasl.password=${password}\n`,
      );
      return file;
    };
    const sasl = ['-b', `127.0.0.1:${broker.ports.SASL_PLAINTEXT}`];
    const listed = await runnel([
      'users',
      'list',
      'admin',
      '--command-config',
      config('admin-secret'),
      ...sasl,
    ]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/admin +SCRAM-SHA-256 +4096/);
    const refused = await runnel(['users', 'list', '--command-config', config('wrong'), ...sasl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SASL authentication failed/);
    const unknown = await runnel([
      'users',
      'list',
      '--command-config',
      join(dataDir, 'missing.properties'),
      ...sasl,
    ]);
    expect(unknown.code).toBe(2);
  });
});
