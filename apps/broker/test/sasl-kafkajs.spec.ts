import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import {
  fixture,
  PLAIN_USER,
  SCRAM_USER,
  type SecuredBroker,
  startSecuredBroker,
} from './security-support/secured-broker.js';

const ssl = { ca: [fixture('ca.crt')] };

let broker: SecuredBroker;
beforeAll(async () => {
  broker = await startSecuredBroker({ groupInitialRebalanceDelayMs: 0 });
});
afterAll(() => broker.close());

/** A client of one listener; `retries: 0` for the tests that expect a refusal, so it is not retried. */
function kafkaOver(listener: 'SASL_SSL' | 'SASL_PLAINTEXT', sasl: SASLOptions, retries = 5) {
  return new Kafka({
    clientId: 'sasl-test',
    brokers: [broker.address(listener)],
    ...(listener === 'SASL_SSL' ? { ssl } : {}),
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries },
  });
}

/** Produces three records to a new topic, consumes them back in a group and commits. */
async function roundTrip(kafka: Kafka, topic: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === 3) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  const committed = await (async () => {
    const a = kafka.admin();
    await a.connect();
    try {
      return await a.fetchOffsets({ groupId: `${topic}-group`, topics: [topic] });
    } finally {
      await a.disconnect();
    }
  })();
  expect(committed[0]!.partitions[0]!.offset).toBe('3');
  return values;
}

describe('kafkajs over SASL listeners', () => {
  it.each([
    ['SASL_SSL', 'scram-sha-512'],
    ['SASL_SSL', 'scram-sha-256'],
    ['SASL_SSL', 'plain'],
    ['SASL_PLAINTEXT', 'scram-sha-512'],
  ] as const)('produces, consumes and commits in a group over %s with %s', async (listener, mechanism) => {
    const user = mechanism === 'plain' ? PLAIN_USER : SCRAM_USER;
    const kafka = kafkaOver(listener, { mechanism, ...user } as SASLOptions);
    await expect(roundTrip(kafka, `t-${listener}-${mechanism}`)).resolves.toEqual(['a', 'b', 'c']);
  });

  it.each(['scram-sha-512', 'plain'] as const)(
    'refuses a wrong %s password with SASL_AUTHENTICATION_FAILED',
    async (mechanism) => {
      const user = mechanism === 'plain' ? PLAIN_USER : SCRAM_USER;
      const admin = kafkaOver(
        'SASL_SSL',
        { mechanism, username: user.username, password: 'wrong' } as SASLOptions,
        0,
      ).admin();
      await expect(admin.connect()).rejects.toThrow(/SASL_AUTHENTICATION_FAILED|Authentication failed/);
    },
  );

  it('refuses a SCRAM user that does not exist', async () => {
    const admin = kafkaOver(
      'SASL_SSL',
      { mechanism: 'scram-sha-512', username: 'nobody', password: 'x' },
      0,
    ).admin();
    await expect(admin.connect()).rejects.toThrow(/Authentication failed/);
  });
});
