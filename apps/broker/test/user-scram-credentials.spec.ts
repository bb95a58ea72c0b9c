import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { AlterUserScramCredentials, DescribeUserScramCredentials, ErrorCode } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import {
  fixture,
  SCRAM_USER,
  type SecuredBroker,
  startSecuredBroker,
} from './security-support/secured-broker.js';
import { RawClient } from './support/raw-client.js';

const SCRAM_SHA_512 = 2;

let broker: SecuredBroker;
let admin: RawClient;
beforeAll(async () => {
  broker = await startSecuredBroker();
  admin = await RawClient.connect(broker.ports.PLAINTEXT!);
});
afterAll(async () => {
  admin.close();
  await broker.close();
});

/** Whether kafkajs can connect over SASL_SSL as `username` with SCRAM-SHA-512. */
async function canLogIn(username: string, password: string): Promise<boolean> {
  const client = new Kafka({
    brokers: [broker.address('SASL_SSL')],
    ssl: { ca: [fixture('ca.crt')] },
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  try {
    await client.connect();
    await client.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await client.disconnect();
  }
}

function upsertion(name: string, password: string, iterations = 8192) {
  const salt = randomBytes(16);
  return {
    name,
    mechanism: SCRAM_SHA_512,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, 64, 'sha512'),
  };
}

describe('SCRAM credentials managed over the protocol (KIP-554)', () => {
  it('upserts a credential a client can then log in with, describes it, and deletes it', async () => {
    const altered = await admin.request(AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [upsertion('carol', 'carol-secret')],
    });
    expect(altered.results).toEqual([{ user: 'carol', errorCode: 0, errorMessage: null }]);
    await expect(canLogIn('carol', 'carol-secret')).resolves.toBe(true);
    await expect(canLogIn('carol', 'wrong')).resolves.toBe(false);

    const described = await admin.request(DescribeUserScramCredentials, 0, {
      users: [{ name: 'carol' }, { name: 'nobody' }],
    });
    expect(described.results).toEqual([
      {
        user: 'carol',
        errorCode: 0,
        errorMessage: null,
        credentialInfos: [{ mechanism: SCRAM_SHA_512, iterations: 8192 }],
      },
      expect.objectContaining({
        user: 'nobody',
        errorCode: ErrorCode.RESOURCE_NOT_FOUND,
        credentialInfos: [],
      }),
    ]);

    const deleted = await admin.request(AlterUserScramCredentials, 0, {
      deletions: [{ name: 'carol', mechanism: SCRAM_SHA_512 }],
      upsertions: [],
    });
    expect(deleted.results[0]!.errorCode).toBe(0);
    await expect(canLogIn('carol', 'carol-secret')).resolves.toBe(false);
  });

  it('lists every user with a credential when no user is named', async () => {
    const described = await admin.request(DescribeUserScramCredentials, 0, { users: null });
    expect(described.results.map((r) => r.user)).toContain(SCRAM_USER.username);
    expect(described.results.find((r) => r.user === SCRAM_USER.username)!.credentialInfos).toHaveLength(2);
  });

  it.each([
    [
      'iterations below 4096',
      { ...upsertion('dave', 'x'), iterations: 100 },
      ErrorCode.UNACCEPTABLE_CREDENTIAL,
    ],
    [
      'an unknown mechanism',
      { ...upsertion('dave', 'x'), mechanism: 9 },
      ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    ],
    [
      'an empty salted password',
      { ...upsertion('dave', 'x'), saltedPassword: Buffer.alloc(0) },
      ErrorCode.UNACCEPTABLE_CREDENTIAL,
    ],
  ])('refuses an upsertion with %s and stores nothing', async (_, bad, errorCode) => {
    const altered = await admin.request(AlterUserScramCredentials, 0, { deletions: [], upsertions: [bad] });
    expect(altered.results).toEqual([expect.objectContaining({ user: 'dave', errorCode })]);
    const described = await admin.request(DescribeUserScramCredentials, 0, { users: [{ name: 'dave' }] });
    expect(described.results[0]!.errorCode).toBe(ErrorCode.RESOURCE_NOT_FOUND);
  });
});
