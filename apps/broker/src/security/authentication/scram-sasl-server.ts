import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslServer } from './sasl-server.js';
import { digest, hmac, type ScramCredential, type ScramMechanism } from './scram-credential.js';

/** Longest SCRAM message read; real ones are a few hundred bytes. */
const MAX_SCRAM_MESSAGE_BYTES = 4096;

/**
 * The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677, KIP-84), two round trips:
 *
 *   client-first  `n,,n=<user>,r=<client nonce>`        -> server-first `r=<client+server nonce>,s=<salt>,i=<iterations>`
 *   client-final  `c=biws,r=<nonce>,p=<proof>`          -> server-final `v=<server signature>`
 *
 * The proof is checked against the stored credential alone (no password is ever held):
 * `ClientKey = proof XOR HMAC(StoredKey, AuthMessage)` must hash to StoredKey. Channel binding is
 * refused (`p=` in the GS2 header), as Kafka's ScramSaslServer does; extensions are ignored.
 */
export class ScramSaslServer implements SaslServer {
  private state: 'client-first' | 'client-final' | 'done' = 'client-first';
  private user = '';
  private credential: ScramCredential | undefined;
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly credentialOf: (user: string) => ScramCredential | undefined,
    private readonly serverNonce: () => string = () => randomBytes(24).toString('base64url'),
  ) {}

  evaluate(token: Buffer): { challenge: Buffer; user?: string } {
    if (token.length > MAX_SCRAM_MESSAGE_BYTES) {
      throw new SaslAuthenticationError(
        `SCRAM message of ${token.length} bytes is above ${MAX_SCRAM_MESSAGE_BYTES}`,
      );
    }
    const text = token.toString('utf8');
    switch (this.state) {
      case 'client-first':
        return { challenge: Buffer.from(this.clientFirst(text), 'utf8') };
      case 'client-final':
        return { challenge: Buffer.from(this.clientFinal(text), 'utf8'), user: this.user };
      case 'done':
        throw new SaslAuthenticationError('SCRAM exchange is already complete', this.user);
    }
  }

  private clientFirst(text: string): string {
    const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
    if (!match)
      throw new SaslAuthenticationError('SCRAM client-first message has no GS2 header (n,, or y,,)');
    if (match[2]) throw new SaslAuthenticationError('SCRAM authorization identities are not supported');
    this.clientFirstBare = match[3]!;
    const attributes = parseAttributes(this.clientFirstBare);
    const user = attributes.get('n');
    const clientNonce = attributes.get('r');
    if (!user || !clientNonce)
      throw new SaslAuthenticationError('SCRAM client-first message needs n= and r=');
    this.user = unescapeUsername(user);
    this.credential = this.credentialOf(this.user);
    if (!this.credential)
      throw new SaslAuthenticationError('Authentication failed: Invalid user credentials', this.user);
    this.nonce = clientNonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'client-final';
    return this.serverFirst;
  }

  private clientFinal(text: string): string {
    const credential = this.credential!;
    this.state = 'done';
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0)
      throw new SaslAuthenticationError('SCRAM client-final message has no proof (p=)', this.user);
    const withoutProof = text.slice(0, proofAt);
    const attributes = parseAttributes(withoutProof);
    // As Kafka's ScramSaslServer, the nonce must end with the one sent: librdkafka 1.x puts its
    // own nonce in front of the whole of it again. The proof covers what was sent, either way.
    if (!(attributes.get('r') ?? '').endsWith(this.nonce)) {
      throw new SaslAuthenticationError('SCRAM nonce does not match', this.user);
    }
    const binding = Buffer.from(attributes.get('c') ?? '', 'base64').toString('utf8');
    if (binding !== 'n,,' && binding !== 'y,,') {
      throw new SaslAuthenticationError('SCRAM channel binding is not supported', this.user);
    }
    const proofText = text.slice(proofAt + 3);
    const proof = Buffer.from(proofText, 'base64');
    // Node's decoder skips what is not base64; only the canonical form of the proof is accepted.
    if (proof.toString('base64') !== proofText) {
      throw new SaslAuthenticationError('SCRAM proof is not base64', this.user);
    }
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== signature.length)
      throw new SaslAuthenticationError('Invalid user credentials', this.user);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(digest(this.mechanism, clientKey), credential.storedKey)) {
      throw new SaslAuthenticationError('Authentication failed: Invalid user credentials', this.user);
    }
    return `v=${hmac(this.mechanism, credential.serverKey, authMessage).toString('base64')}`;
  }
}

/** `a=1,b=2` -> {a: 1, b: 2}; a value may itself contain `=` (base64). */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length >= 2 && part[1] === '=') attributes.set(part[0]!, part.slice(2));
  }
  return attributes;
}

/** RFC 5802 saslname: `=2C` is a comma, `=3D` an equals sign; any other `=` is malformed. */
function unescapeUsername(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new SaslAuthenticationError('SCRAM username has a malformed = escape');
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}
