import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import {
  fixture,
  SCRAM_USER,
  type SecuredBroker,
  startSecuredBroker,
} from './security-support/secured-broker.js';

/**
 * The principal a connection speaks for, as the authorizer sees it: the broker runs with the ACL
 * authorizer and one super user, the subject of the fixture client certificate, and no ACLs, so
 * only a connection that maps to that principal may create a topic.
 */
describe('connection principals under the ACL authorizer', () => {
  let broker: SecuredBroker;
  beforeAll(async () => {
    broker = await startSecuredBroker({
      authorizer: 'acl',
      superUsers: 'User:CN=alice,OU=Clients,O=Runnel Test',
    });
  });
  afterAll(() => broker.close());

  async function createTopic(
    listener: 'SSL' | 'SASL_SSL',
    topic: string,
    options: { cert?: Buffer; key?: Buffer; sasl?: SASLOptions },
  ): Promise<void> {
    const { sasl, ...tls } = options;
    const admin = new Kafka({
      brokers: [broker.address(listener)],
      ssl: { ca: [fixture('ca.crt')], ...tls },
      ...(sasl ? { sasl } : {}),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic }] });
    } catch (err) {
      // kafkajs gathers the per-topic errors; the error code is in each one's `type`.
      const types = ((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type);
      throw new Error(`createTopics ${topic}: ${types.join(', ') || (err as Error).message}`);
    } finally {
      await admin.disconnect();
    }
  }

  it('is User:<certificate subject> for a client certificate, allowed as the super user', async () => {
    await expect(
      createTopic('SSL', 'by-certificate', { cert: fixture('client.crt'), key: fixture('client.key') }),
    ).resolves.toBeUndefined();
  });

  it('is User:ANONYMOUS over SSL without a certificate, and refused', async () => {
    await expect(createTopic('SSL', 'anonymous', {})).rejects.toThrow(
      /CLUSTER_AUTHORIZATION_FAILED|TOPIC_AUTHORIZATION_FAILED/,
    );
  });

  it('is User:<SASL name> on SASL_SSL, even with the super user certificate, and refused', async () => {
    await expect(
      createTopic('SASL_SSL', 'by-sasl', {
        cert: fixture('client.crt'),
        key: fixture('client.key'),
        sasl: { mechanism: 'scram-sha-512', ...SCRAM_USER },
      }),
    ).rejects.toThrow(/CLUSTER_AUTHORIZATION_FAILED|TOPIC_AUTHORIZATION_FAILED/);
  });
});
