import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { certificatePrincipal } from './certificate-principal.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../test/fixtures/tls', name));

/** The principal the broker's side of a real TLS connection gets, for a client presenting `cert`. */
async function principalOf(client: { key?: Buffer; cert?: Buffer }): Promise<string> {
  const server = createServer({
    key: fixture('broker.key'),
    cert: fixture('broker.crt'),
    ca: fixture('ca.crt'),
    requestCert: true,
    rejectUnauthorized: false,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'secureConnection') as Promise<[TLSSocket]>;
  const port = (server.address() as { port: number }).port;
  const socket = connect({ host: '127.0.0.1', port, ca: fixture('ca.crt'), ...client });
  try {
    const [serverSide] = await accepted;
    const principal = certificatePrincipal(serverSide);
    serverSide.destroy();
    return principal;
  } finally {
    socket.destroy();
    server.close();
  }
}

describe('certificatePrincipal', () => {
  it('is User:<subject in RFC 2253 order> for a client certificate the CA signed', async () => {
    await expect(principalOf({ key: fixture('client.key'), cert: fixture('client.crt') })).resolves.toBe(
      'User:CN=alice,OU=Clients,O=Runnel Test',
    );
  });

  it('is User:ANONYMOUS for a client without a certificate', async () => {
    await expect(principalOf({})).resolves.toBe('User:ANONYMOUS');
  });

  it('is User:ANONYMOUS for a certificate from a CA the broker does not trust', async () => {
    await expect(
      principalOf({ key: fixture('untrusted-client.key'), cert: fixture('untrusted-client.crt') }),
    ).resolves.toBe('User:ANONYMOUS');
  });
});
