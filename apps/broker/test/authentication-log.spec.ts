import { EventEmitter, once } from 'node:events';
import type { LoggerService } from '@nestjs/common';
import { ErrorCode, SaslAuthenticate, SaslHandshake } from '@runnel/protocol';
import { PLAIN_USER, type SecuredBroker, startSecuredBroker } from './security-support/secured-broker.js';
import { RawClient } from './support/raw-client.js';

/** The broker's warnings, and a way to await one (never by sleeping). */
const warnings: string[] = [];
const warned = new EventEmitter();
const logger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => {
    warnings.push(String(message));
    warned.emit('warn');
  },
};

async function warning(matching: RegExp): Promise<string> {
  for (;;) {
    const found = warnings.find((line) => matching.test(line));
    if (found) return found;
    await once(warned, 'warn');
  }
}

let broker: SecuredBroker;
beforeAll(async () => {
  broker = await startSecuredBroker({ logger });
});
afterAll(() => broker.close());

describe('a refused authentication', () => {
  it('is logged with the listener, the remote address and the principal tried, never the password', async () => {
    const client = await RawClient.connect(broker.ports.SASL_PLAINTEXT!);
    expect((await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    const auth = await client.request(SaslAuthenticate, 1, {
      authBytes: Buffer.from(`\u0000${PLAIN_USER.username}\u0000not-the-password`),
    });
    expect(auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    const line = await warning(/SASL authentication failed/);
    expect(line).toMatch(
      /^SASL authentication failed on SASL_PLAINTEXT from 127\.0\.0\.1:\d+ as User:alice: /,
    );
    expect(warnings.join('\n')).not.toContain('not-the-password');
    client.close();
  });
});
