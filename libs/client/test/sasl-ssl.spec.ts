import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addScramUser } from '@runnel/broker';
import { Metadata } from '@runnel/protocol';
import { BrokerConnection } from '../src/connection/broker-connection.js';
import { Runnel, type RunnelOptions } from '../src/index.js';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

/** The broker's test-only TLS fixtures (apps/broker/test/fixtures/tls/README.md). */
const tls = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../apps/broker/test/fixtures/tls', name));

const SCRAM = { username: 'admin', password: 'admin-secret' };
const PLAIN = { username: 'alice', password: 'alice-secret' };

let test: TestBroker;
beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'runnel-client-sasl-'));
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    await addScramUser(dataDir, [SCRAM.username, '--mechanism', mechanism, '--password', SCRAM.password]);
  }
  const usersFile = join(dataDir, 'plain-users.json');
  writeFileSync(usersFile, JSON.stringify({ users: { [PLAIN.username]: PLAIN.password } }));
  test = await startTestBroker({
    dataDir,
    listeners: 'SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0',
    sslKeyFile: join(import.meta.dirname, '../../../apps/broker/test/fixtures/tls/broker.key'),
    sslCertFile: join(import.meta.dirname, '../../../apps/broker/test/fixtures/tls/broker.crt'),
    saslEnabledMechanisms: 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    saslPlainUsersFile: usersFile,
  });
});
afterAll(() => test.close());

function runnel(listener: 'SASL_SSL' | 'SSL', options: Partial<RunnelOptions>): Runnel {
  return new Runnel({
    clientId: 'sasl-spec',
    brokers: [`127.0.0.1:${test.broker.ports[listener]}`],
    connectionTimeoutMs: 3000,
    reconnectBackoffMaxMs: 50,
    ...options,
  });
}

async function roundTrip(client: Runnel, topic: string): Promise<string[]> {
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(String(message.value));
          if (values.length === 3) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

describe('@runnel/client over TLS and SASL', () => {
  it.each([
    ['scram-sha-512', SCRAM],
    ['scram-sha-256', SCRAM],
    ['plain', PLAIN],
  ] as const)('produces and consumes in a group over SASL_SSL with %s', async (mechanism, user) => {
    const client = runnel('SASL_SSL', { ssl: { ca: [tls('ca.crt')] }, sasl: { mechanism, ...user } });
    await expect(roundTrip(client, `client-${mechanism}`)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('serves over SSL without SASL', async () => {
    const client = runnel('SSL', { ssl: { ca: [tls('ca.crt')] } });
    await expect(roundTrip(client, 'client-ssl')).resolves.toEqual(['a', 'b', 'c']);
  });

  it('fails to connect with a wrong password, saying SASL authentication failed', async () => {
    const admin = runnel('SASL_SSL', {
      ssl: { ca: [tls('ca.crt')] },
      sasl: { mechanism: 'scram-sha-512', username: SCRAM.username, password: 'wrong' },
    }).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL authentication failed/);
  });

  it('fails to connect when it does not trust the broker certificate', async () => {
    const admin = runnel('SSL', { ssl: { ca: [tls('untrusted-ca.crt')] } }).admin();
    await expect(admin.connect()).rejects.toThrow(/certificate|self.signed/i);
  });

  it('refuses an unknown SASL mechanism in its options, naming the field', () => {
    expect(() =>
      runnel('SASL_SSL', { sasl: { mechanism: 'gssapi' as never, username: 'x', password: 'y' } }),
    ).toThrow(/sasl.mechanism/);
  });

  it('re-authenticates before its session expires (KIP-368), so one connection outlives several sessions', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'runnel-client-reauth-'));
    await addScramUser(dataDir, [
      SCRAM.username,
      '--mechanism',
      'SCRAM-SHA-512',
      '--password',
      SCRAM.password,
    ]);
    const LIFETIME_MS = 1000;
    const reauth = await startTestBroker({
      dataDir,
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      connectionsMaxReauthMs: LIFETIME_MS,
    });
    const connection = await BrokerConnection.connect(
      { host: '127.0.0.1', port: reauth.broker.port },
      {
        clientId: 'reauth-spec',
        connectTimeoutMs: 3000,
        requestTimeoutMs: 3000,
        sasl: { mechanism: 'scram-sha-512', ...SCRAM },
      },
    );
    try {
      // The broker closes a connection whose session expired at its next request; three
      // lifetimes later this one still answers, having re-authenticated on its own.
      const started = Date.now();
      let requests = 0;
      while (Date.now() - started < 3 * LIFETIME_MS) {
        await connection.request(Metadata, { topics: [] }, { version: 1 });
        requests++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(requests).toBeGreaterThan(10);
      expect(connection.closed).toBe(false);
    } finally {
      await connection.close();
      await reauth.close();
    }
  }, 15_000);
});
