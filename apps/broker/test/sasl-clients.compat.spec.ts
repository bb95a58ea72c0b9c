import { execFile } from 'node:child_process';
import {
  fixturePath,
  PLAIN_USER,
  SCRAM_USER,
  type SecuredBroker,
  startSecuredBroker,
} from './security-support/secured-broker.js';
import { kcat, python } from './support/external-clients.js';

let broker: SecuredBroker;
beforeAll(async () => {
  broker = await startSecuredBroker({ groupInitialRebalanceDelayMs: 0 });
});
afterAll(() => broker.close());

/** librdkafka's settings for the SASL_SSL listener with `mechanism` and `password`. */
function kcatSasl(mechanism: string, user: { username: string }, password: string): string[] {
  return [
    '-b',
    broker.address('SASL_SSL'),
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    `sasl.mechanisms=${mechanism}`,
    '-X',
    `sasl.username=${user.username}`,
    '-X',
    `sasl.password=${password}`,
    '-X',
    `ssl.ca.location=${fixturePath('ca.crt')}`,
  ];
}

describe('kcat (librdkafka) over SASL_SSL with SCRAM-SHA-512', () => {
  const auth = () => kcatSasl('SCRAM-SHA-512', SCRAM_USER, SCRAM_USER.password);

  it('produces, then consumes in a group', async () => {
    const topic = 'kcat-sasl';
    // kcat -P reads the records from its stdin, one a line.
    await new Promise<void>((resolve, reject) => {
      const child = execFile('kcat', [...auth(), '-P', '-t', topic], { timeout: 20_000 }, (err) =>
        err ? reject(err) : resolve(),
      );
      child.stdin!.end('one\ntwo\nthree\n');
    });
    const consumed = await kcat(
      [...auth(), '-G', 'kcat-sasl-group', '-X', 'auto.offset.reset=earliest', '-c', '3', '-e', topic],
      30_000,
    ).catch((err: { stdout?: string }) => err.stdout ?? '');
    expect(consumed.trim().split('\n')).toEqual(['one', 'two', 'three']);
  }, 60_000);

  it('is refused with a wrong password and lists nothing', async () => {
    const run = kcat([...kcatSasl('SCRAM-SHA-512', SCRAM_USER, 'wrong'), '-L', '-m', '3'], 20_000);
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringMatching(/Authentication failed|SASL authentication error/i),
    });
  }, 30_000);
});

const KAFKA_PYTHON = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer
port, mechanism, user, password, topic = sys.argv[1:6]
common = dict(bootstrap_servers='127.0.0.1:' + port, security_protocol='SASL_PLAINTEXT',
              sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password,
              api_version_auto_timeout_ms=5000)
producer = KafkaProducer(**common)
for v in (b'a', b'b', b'c'):
    producer.send(topic, v).get(timeout=10)
producer.close()
consumer = KafkaConsumer(topic, group_id=topic + '-group', auto_offset_reset='earliest',
                         consumer_timeout_ms=10000, **common)
values = []
for m in consumer:
    values.append(m.value.decode())
    if len(values) == 3: break
consumer.commit()
consumer.close()
print(json.dumps(values))
`;

const CONFLUENT = `
import sys, json
from confluent_kafka import Producer, Consumer
port, mechanism, user, password, topic, ca = sys.argv[1:7]
common = {'bootstrap.servers': '127.0.0.1:' + port, 'security.protocol': 'SASL_SSL',
          'sasl.mechanisms': mechanism, 'sasl.username': user, 'sasl.password': password,
          'ssl.ca.location': ca}
p = Producer(common)
for v in ('a', 'b', 'c'):
    p.produce(topic, v.encode())
assert p.flush(15) == 0
c = Consumer(dict(common, **{'group.id': topic + '-group', 'auto.offset.reset': 'earliest'}))
c.subscribe([topic])
values = []
while len(values) < 3:
    m = c.poll(15)
    if m is None: raise SystemExit('no message within 15 s')
    if m.error(): continue
    values.append(m.value().decode())
c.commit(asynchronous=False)
c.close()
print(json.dumps(values))
`;

describe('Python clients with SASL', () => {
  it.each([
    ['PLAIN', PLAIN_USER],
    ['SCRAM-SHA-256', SCRAM_USER],
    ['SCRAM-SHA-512', SCRAM_USER],
  ] as const)(
    'kafka-python produces, consumes and commits over SASL_PLAINTEXT with %s',
    async (mechanism, user) => {
      const out = await python(KAFKA_PYTHON, [
        String(broker.ports.SASL_PLAINTEXT),
        mechanism,
        user.username,
        user.password,
        `kafka-python-${mechanism}`,
      ]);
      expect(JSON.parse(out)).toEqual(['a', 'b', 'c']);
    },
    30_000,
  );

  it.each([
    ['PLAIN', PLAIN_USER],
    ['SCRAM-SHA-512', SCRAM_USER],
  ] as const)(
    'confluent-kafka produces, consumes and commits over SASL_SSL with %s',
    async (mechanism, user) => {
      const out = await python(CONFLUENT, [
        String(broker.ports.SASL_SSL),
        mechanism,
        user.username,
        user.password,
        `confluent-${mechanism}`,
        fixturePath('ca.crt'),
      ]);
      expect(JSON.parse(out)).toEqual(['a', 'b', 'c']);
    },
    30_000,
  );

  // kafka-python 2.0 sends its PLAIN token bare (SaslHandshake v0), and Kafka answers a refused
  // bare token by closing the connection, so the client only sees the broker go away.
  it('kafka-python is refused with a wrong password', async () => {
    const run = python(KAFKA_PYTHON, [
      String(broker.ports.SASL_PLAINTEXT),
      'PLAIN',
      PLAIN_USER.username,
      'wrong',
      'never',
    ]);
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringMatching(/NoBrokersAvailable|Authentication/),
    });
  }, 30_000);
});
