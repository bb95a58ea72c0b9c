import { createHash, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslServer } from './sasl-server.js';

/** Longest PLAIN token read: Kafka's PlainSaslServer has no limit, but 255-byte fields are RFC 4616's. */
const MAX_PLAIN_TOKEN_BYTES = 4096;

/**
 * PLAIN (RFC 4616): one token `[authzid] NUL authcid NUL passwd`, checked against the users file.
 * An authorization id other than the user's own is refused, as Kafka's PlainSaslServer does.
 */
export class PlainSaslServer implements SaslServer {
  readonly mechanism = 'PLAIN';

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): { challenge: Buffer; user: string } {
    if (token.length > MAX_PLAIN_TOKEN_BYTES) {
      throw new SaslAuthenticationError(
        `PLAIN token of ${token.length} bytes is above ${MAX_PLAIN_TOKEN_BYTES}`,
      );
    }
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) {
      throw new SaslAuthenticationError('PLAIN token is not [authzid] NUL username NUL password');
    }
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslAuthenticationError('PLAIN token has an empty username');
    if (authzid !== '' && authzid !== user) {
      throw new SaslAuthenticationError('PLAIN authorization id must be empty or the username', user);
    }
    const expected = this.users.get(user);
    // Compared as digests, so the time taken says nothing of the password's length or prefix.
    if (expected === undefined || !timingSafeEqual(sha256(expected), sha256(password))) {
      throw new SaslAuthenticationError('Invalid username or password', user);
    }
    return { challenge: Buffer.alloc(0), user };
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
