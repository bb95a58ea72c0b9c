import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, type StartBrokerOptions, startBroker } from '../../src/index.js';
import { addScramUser } from '../../src/security/authentication/add-scram-user.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tls');

/** A test-only fixture file of fixtures/tls (see its README). */
export const fixturePath = (name: string): string => join(FIXTURES, name);
export const fixture = (name: string): Buffer => readFileSync(fixturePath(name));

/** The users every secured test broker knows. */
export const SCRAM_USER = { username: 'admin', password: 'admin-secret' } as const;
export const PLAIN_USER = { username: 'alice', password: 'alice-secret' } as const;

export interface SecuredBroker extends RunningBroker {
  readonly dataDir: string;
  /** `127.0.0.1:<port>` of a listener. */
  address(listener: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'): string;
}

/**
 * A broker with all four listeners on free ports, the fixture CA's broker certificate, PLAIN
 * users from a users file, and SCRAM-SHA-256/512 credentials of SCRAM_USER added with
 * `add-scram-user` before the start, as an operator would.
 */
export async function startSecuredBroker(options: StartBrokerOptions = {}): Promise<SecuredBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-security-'));
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    await addScramUser(dataDir, [
      SCRAM_USER.username,
      '--mechanism',
      mechanism,
      '--password',
      SCRAM_USER.password,
    ]);
  }
  const usersFile = join(dataDir, 'plain-users.json');
  writeFileSync(usersFile, JSON.stringify({ users: { [PLAIN_USER.username]: PLAIN_USER.password } }));
  const broker = await startBroker({
    httpPort: -1,
    dataDir,
    logger: false,
    listeners:
      'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    sslKeyFile: fixturePath('broker.key'),
    sslCertFile: fixturePath('broker.crt'),
    sslCaFile: fixturePath('ca.crt'),
    sslClientAuth: 'requested',
    saslEnabledMechanisms: 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    saslPlainUsersFile: usersFile,
    ...options,
  });
  return Object.assign(broker, {
    dataDir,
    address: (listener: string) => `127.0.0.1:${broker.ports[listener]}`,
  }) as SecuredBroker;
}
