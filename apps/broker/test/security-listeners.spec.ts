import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  decodeResponseFrame,
  ErrorCode,
  encodeRequestFrame,
  Metadata,
  SaslAuthenticate,
  SaslHandshake,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import {
  fixture,
  fixturePath,
  PLAIN_USER,
  type SecuredBroker,
  startSecuredBroker,
} from './security-support/secured-broker.js';
import { RawClient } from './support/raw-client.js';

let broker: SecuredBroker;
beforeAll(async () => {
  broker = await startSecuredBroker();
});
afterAll(() => broker.close());

const header = (correlationId: number) => ({ correlationId, clientId: 'security-test' });
const plainToken = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

/** Resolves once the broker has closed `socket` (its 'close' event), with what it sent before. */
async function untilClosed(socket: NodeJS.ReadableStream & { destroyed: boolean }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

/** The PLAINTEXT listener still answers: the broker survived what the test sent. */
async function expectBrokerServing(): Promise<void> {
  const client = await RawClient.connect(broker.ports.PLAINTEXT!);
  try {
    const metadata = await client.request(Metadata, 1, { topics: [] });
    expect(metadata.brokers).toEqual([expect.objectContaining({ port: broker.ports.PLAINTEXT })]);
  } finally {
    client.close();
  }
}

describe('listeners', () => {
  it.each(['PLAINTEXT', 'SASL_PLAINTEXT'] as const)(
    'Metadata on %s advertises the port of the listener it came in on',
    async (listener) => {
      const client = await RawClient.connect(broker.ports[listener]!);
      try {
        if (listener === 'SASL_PLAINTEXT') {
          expect((await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
          const auth = await client.request(SaslAuthenticate, 1, {
            authBytes: plainToken(PLAIN_USER.username, PLAIN_USER.password),
          });
          expect(auth.errorCode).toBe(0);
        }
        const metadata = await client.request(Metadata, 1, { topics: [] });
        expect(metadata.brokers).toEqual([
          { nodeId: 1, host: '127.0.0.1', port: broker.ports[listener], rack: null },
        ]);
      } finally {
        client.close();
      }
    },
  );

  it('serves kafkajs over SSL, advertising the SSL port', async () => {
    const kafka = new Kafka({
      brokers: [broker.address('SSL')],
      ssl: { ca: [fixture('ca.crt')] },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.ports.SSL }]);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a TLS client that does not trust the broker CA with a TLS error, and keeps serving', async () => {
    const socket = connectTls({
      host: '127.0.0.1',
      port: broker.ports.SSL!,
      ca: [fixture('untrusted-ca.crt')],
    });
    const [err] = (await once(socket, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    socket.destroy();
    await expectBrokerServing();
  });
});

describe('a SASL listener', () => {
  it('closes a connection that sends a request other than ApiVersions or SaslHandshake first, answering nothing', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    await expect(client.request(Metadata, 1, { topics: [] })).rejects.toThrow(/connection closed/);
  });

  it('answers a wrong password SASL_AUTHENTICATION_FAILED, closes, and serves nothing pipelined behind it', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    expect((await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    client.write(
      Buffer.concat([
        encodeRequestFrame(SaslAuthenticate, 1, header(2), {
          authBytes: plainToken(PLAIN_USER.username, 'wrong'),
        }),
        encodeRequestFrame(Metadata, 1, header(3), { topics: [] }),
      ]),
    );
    const auth = decodeResponseFrame(SaslAuthenticate, 1, (await client.nextFrame())!).body;
    expect(auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(auth.errorMessage).not.toContain('wrong');
    expect(await client.nextFrame()).toBeUndefined();
  });

  it('answers an unknown mechanism UNSUPPORTED_SASL_MECHANISM with the enabled ones', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    try {
      const handshake = await client.request(SaslHandshake, 1, { mechanism: 'GSSAPI' });
      expect(handshake).toEqual({
        errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
        mechanisms: ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'],
      });
    } finally {
      client.close();
    }
  });

  it('takes bare tokens after a v0 SaslHandshake, as kafka-python sends them', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    try {
      expect((await client.request(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0);
      const token = plainToken(PLAIN_USER.username, PLAIN_USER.password);
      const size = Buffer.alloc(4);
      size.writeInt32BE(token.length);
      client.write(Buffer.concat([size, token]));
      expect(await client.nextFrame()).toEqual(Buffer.alloc(0));
      const metadata = await client.request(Metadata, 1, { topics: [] });
      expect(metadata.brokers[0]!.port).toBe(broker.ports.SASL_PLAINTEXT);
    } finally {
      client.close();
    }
  });

  it('answers SaslHandshake on a listener without SASL ILLEGAL_SASL_STATE and keeps serving it', async () => {
    const client = await RawClient.connect(broker.ports.PLAINTEXT!);
    try {
      expect((await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(
        ErrorCode.ILLEGAL_SASL_STATE,
      );
      expect((await client.request(Metadata, 1, { topics: [] })).brokers).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});

describe('hostile input on the TLS and SASL paths', () => {
  it.each([
    ['an HTTP request instead of a ClientHello', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a Kafka frame instead of a ClientHello', Buffer.from('0000000a00120003000000010000', 'hex')],
    ['a truncated ClientHello', Buffer.from('1603010200010001fc0303', 'hex')],
    ['a TLS record header of absurd length', Buffer.from('160301ffff', 'hex')],
  ])('%s on the SSL listener only closes that socket', async (_, bytes) => {
    const socket = connectTcp(broker.ports.SSL!, '127.0.0.1');
    await once(socket, 'connect');
    // Half-closed after the bytes: the broker must end the socket however far its TLS parse got.
    socket.end(bytes);
    await untilClosed(socket);
    await expectBrokerServing();
  });

  it.each([
    ['an absurd frame size', Buffer.from('7fffffff', 'hex')],
    ['a negative frame size', Buffer.from('ffffffff', 'hex')],
    ['a frame too short to name its API', Buffer.from('0000000100', 'hex')],
  ])('%s on the SASL listener closes the connection', async (_, bytes) => {
    const socket = connectTcp(broker.ports.SASL_PLAINTEXT!, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(bytes);
    expect((await untilClosed(socket)).length).toBe(0);
    await expectBrokerServing();
  });

  it('an absurd bare token after a v0 SaslHandshake closes the connection', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    expect((await client.request(SaslHandshake, 0, { mechanism: 'SCRAM-SHA-512' })).errorCode).toBe(0);
    client.write(Buffer.concat([Buffer.from('00010000', 'hex'), Buffer.alloc(0x10000, 0x6e)]));
    expect(await client.nextFrame()).toBeUndefined();
    await expectBrokerServing();
  });

  it('a SaslAuthenticate whose token is cut short is answered and does not authenticate', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    expect((await client.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode).toBe(0);
    const auth = await client.request(SaslAuthenticate, 1, { authBytes: Buffer.from('n,,n=adm') });
    expect(auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(await client.nextFrame()).toBeUndefined();
    await expectBrokerServing();
  });
});

describe('security settings that cannot be used', () => {
  it.each([
    ['a key file that does not exist', { sslKeyFile: '/nonexistent/broker.key' }, /--ssl-key-file/],
    ['a key that is not PEM', { sslKeyFile: fixturePath('ca.crt') }, /cannot be used/],
    [
      'a PLAIN users file that does not exist',
      { saslPlainUsersFile: '/nonexistent/users.json' },
      /--sasl-plain-users-file/,
    ],
  ])('stop the start with a BrokerStartupError naming the option: %s', async (_, options, message) => {
    await expect(startSecuredBroker(options)).rejects.toMatchObject({
      name: 'BrokerStartupError',
      message: expect.stringMatching(message),
    });
  });
});

describe('ssl.client.auth=required', () => {
  let strict: SecuredBroker;
  beforeAll(async () => {
    strict = await startSecuredBroker({ sslClientAuth: 'required' });
  });
  afterAll(() => strict.close());

  const kafkaWith = (tls: { cert?: Buffer; key?: Buffer }) =>
    new Kafka({
      brokers: [strict.address('SSL')],
      ssl: { ca: [fixture('ca.crt')], ...tls },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();

  it('serves a client with a certificate the CA signed', async () => {
    const admin = kafkaWith({ cert: fixture('client.crt'), key: fixture('client.key') });
    await admin.connect();
    try {
      await expect(admin.listTopics()).resolves.toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it.each([
    ['no certificate', {}],
    [
      'a certificate of an untrusted CA',
      { cert: fixture('untrusted-client.crt'), key: fixture('untrusted-client.key') },
    ],
  ])('refuses a client with %s at the handshake', async (_, tls) => {
    const admin = kafkaWith(tls);
    await expect(admin.connect()).rejects.toThrow();
    await admin.disconnect();
  });
});

describe('connections.max.reauth.ms (KIP-368)', () => {
  let reauth: SecuredBroker;
  beforeAll(async () => {
    reauth = await startSecuredBroker({ connectionsMaxReauthMs: 60_000 });
  });
  afterAll(() => reauth.close());

  it('tells the client its session lifetime and accepts a re-authentication on the same connection', async () => {
    const client = await RawClient.connect(reauth.ports.SASL_PLAINTEXT!);
    try {
      for (let round = 0; round < 2; round++) {
        expect((await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
        const auth = await client.request(SaslAuthenticate, 1, {
          authBytes: plainToken(PLAIN_USER.username, PLAIN_USER.password),
        });
        expect(auth).toMatchObject({ errorCode: 0, sessionLifetimeMs: 60_000n });
        expect((await client.request(Metadata, 1, { topics: [] })).brokers).toHaveLength(1);
      }
    } finally {
      client.close();
    }
  });
});
