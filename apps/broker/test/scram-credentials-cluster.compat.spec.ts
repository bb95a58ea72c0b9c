import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { AlterUserScramCredentials, ErrorCode } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { addScramUser } from '../src/security/authentication/add-scram-user.js';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const SCRAM_SHA_512 = 2;

function upsertion(name: string, password: string) {
  const salt = randomBytes(16);
  const iterations = 4096;
  return {
    name,
    mechanism: SCRAM_SHA_512,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, 64, 'sha512'),
  };
}

describe('SCRAM credentials in a cluster (etcd)', () => {
  let cluster: TestCluster;
  /** Broker `nodeId`'s port of `listener` (every member here runs in this process). */
  const portOf = (nodeId: number, listener: 'PLAINTEXT' | 'SASL_PLAINTEXT'): number => {
    const member = cluster.members.get(nodeId);
    if (member?.kind !== 'in-process') throw new Error(`broker ${nodeId} is not running in this process`);
    return member.broker.ports[listener]!;
  };
  const sasl = (nodeId: number) => `127.0.0.1:${portOf(nodeId, 'SASL_PLAINTEXT')}`;
  /** A raw connection to broker `nodeId`'s PLAINTEXT listener, so the alteration is answered by that broker. */
  const adminOf = (nodeId: number) => RawClient.connect(portOf(nodeId, 'PLAINTEXT'));
  const alter = async (nodeId: number, name: string, password: string) => {
    const admin = await adminOf(nodeId);
    try {
      const response = await admin.request(AlterUserScramCredentials, 0, {
        deletions: [],
        upsertions: [upsertion(name, password)],
      });
      expect(response.results).toEqual([{ user: name, errorCode: ErrorCode.NONE, errorMessage: null }]);
    } finally {
      admin.close();
    }
  };
  /** Whether kafkajs logs in to broker `nodeId` alone as `username` with SCRAM-SHA-512. */
  const canLogIn = async (nodeId: number, username: string, password: string) => {
    const admin = new Kafka({
      brokers: [sasl(nodeId)],
      sasl: { mechanism: 'scram-sha-512', username, password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      // connect() authenticates to the seed broker alone and reads Metadata over that connection.
      await admin.connect();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect();
    }
  };
  const logsIn = (nodeId: number, username: string, password: string) =>
    eventually(async () => expect(await canLogIn(nodeId, username, password)).toBe(true));

  beforeAll(async () => {
    cluster = await TestCluster.start(2, {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      saslEnabledMechanisms: 'SCRAM-SHA-512',
    });
  }, 60_000);
  afterAll(() => cluster.stop());

  it('lets a user created through broker 1 log in to broker 2, and a new password replaces the old one everywhere', async () => {
    await alter(1, 'carol', 'carol-secret');
    await logsIn(2, 'carol', 'carol-secret');
    await logsIn(1, 'carol', 'carol-secret');

    await alter(2, 'carol', 'carol-new');
    await logsIn(1, 'carol', 'carol-new');
    await logsIn(2, 'carol', 'carol-new');
    expect(await canLogIn(1, 'carol', 'carol-secret')).toBe(false);
    expect(await canLogIn(2, 'carol', 'carol-secret')).toBe(false);
  }, 60_000);

  it('keeps both of two alterations made at once through different brokers', async () => {
    await Promise.all([alter(1, 'dave', 'dave-secret'), alter(2, 'erin', 'erin-secret')]);
    for (const nodeId of [1, 2]) {
      await logsIn(nodeId, 'dave', 'dave-secret');
      await logsIn(nodeId, 'erin', 'erin-secret');
    }
  }, 60_000);

  it('takes the first user from add-scram-user with --cluster while the brokers run', async () => {
    const line = await addScramUser(
      { dataDir: cluster.dataDir(9), cluster: cluster.etcd.endpoint, clusterId: 'runnel' },
      ['admin', '--mechanism', 'SCRAM-SHA-512', '--password', 'admin-secret'],
    );
    expect(line).toContain('to cluster runnel');
    await logsIn(1, 'admin', 'admin-secret');
    await logsIn(2, 'admin', 'admin-secret');
  }, 60_000);

  it('says in one line when add-scram-user cannot reach etcd', async () => {
    await expect(
      addScramUser({ dataDir: cluster.dataDir(9), cluster: 'etcd://127.0.0.1:1', clusterId: 'runnel' }, [
        'admin',
        '--mechanism',
        'SCRAM-SHA-512',
        '--password',
        'admin-secret',
      ]),
    ).rejects.toThrow(/^cannot store the credential of admin in cluster runnel at etcd:\/\/127.0.0.1:1: /);
  }, 30_000);
});
