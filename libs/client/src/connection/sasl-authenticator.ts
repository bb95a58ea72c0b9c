import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ErrorCode } from '@runnel/protocol';
import { RunnelError } from '../errors/runnel-error.js';

/** `sasl` of RunnelOptions, as kafkajs takes it. */
export interface SaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** The broker refused the credentials or the exchange (SASL_AUTHENTICATION_FAILED and kin). Not retriable. */
export class SaslAuthenticationError extends RunnelError {
  override name = 'SaslAuthenticationError';
}

const SCRAM = {
  'scram-sha-256': { name: 'SCRAM-SHA-256', hash: 'sha256', keyBytes: 32 },
  'scram-sha-512': { name: 'SCRAM-SHA-512', hash: 'sha512', keyBytes: 64 },
} as const;

/** Kafka refuses fewer (ScramMechanism.minIterations); a server asking for fewer is not trusted. */
const MIN_SCRAM_ITERATIONS = 4096;

const pbkdf2Async = promisify(pbkdf2);

/**
 * Authenticates a new connection (KIP-43, KIP-152): SaslHandshake v1 naming the mechanism, then
 * the mechanism's tokens in SaslAuthenticate requests (v1, whose response carries the session
 * lifetime). PLAIN is one token; SCRAM (RFC 5802) two, and the server's final message is
 * checked, so a broker that does not know the password cannot pass for one that does.
 */
export async function authenticateSasl(
  broker: string,
  sasl: SaslOptions,
  exchange: (token: Buffer) => Promise<Buffer>,
  handshake: (mechanism: string) => Promise<void>,
): Promise<void> {
  if (sasl.mechanism === 'plain') {
    await handshake('PLAIN');
    await exchange(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
    return;
  }
  const scram = SCRAM[sasl.mechanism];
  await handshake(scram.name);
  const nonce = randomBytes(24).toString('base64');
  const clientFirstBare = `n=${sasl.username.replaceAll('=', '=3D').replaceAll(',', '=2C')},r=${nonce}`;
  const serverFirst = (await exchange(Buffer.from(`n,,${clientFirstBare}`, 'utf8'))).toString('utf8');
  const attributes = new Map(serverFirst.split(',').map((a) => [a.slice(0, 1), a.slice(2)] as const));
  const combined = attributes.get('r') ?? '';
  const salt = Buffer.from(attributes.get('s') ?? '', 'base64');
  const iterations = Number(attributes.get('i'));
  if (!combined.startsWith(nonce) || salt.length === 0 || !(iterations >= MIN_SCRAM_ITERATIONS)) {
    throw new SaslAuthenticationError(
      `broker ${broker}: ${scram.name} server-first message ${JSON.stringify(serverFirst)} has a foreign nonce, no salt or fewer than ${MIN_SCRAM_ITERATIONS} iterations`,
    );
  }
  const salted = await pbkdf2Async(
    Buffer.from(sasl.password.normalize('NFKC'), 'utf8'),
    salt,
    iterations,
    scram.keyBytes,
    scram.hash,
  );
  const hmac = (key: Buffer, data: string) => createHmac(scram.hash, key).update(data).digest();
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash(scram.hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${combined}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
  const serverFinal = (
    await exchange(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8'))
  ).toString('utf8');
  const expected = hmac(hmac(salted, 'Server Key'), authMessage);
  const given = Buffer.from(serverFinal.startsWith('v=') ? serverFinal.slice(2) : '', 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SaslAuthenticationError(
      `broker ${broker}: ${scram.name} server signature does not prove it knows the credential`,
    );
  }
}

/** The SaslHandshake answer as an error, or nothing when the mechanism was accepted. */
export function handshakeError(
  broker: string,
  mechanism: string,
  errorCode: number,
  mechanisms: readonly string[],
): Error | undefined {
  if (errorCode === ErrorCode.NONE) return undefined;
  return new SaslAuthenticationError(
    `broker ${broker}: SASL mechanism ${mechanism} refused (error ${errorCode}); the broker enables ${mechanisms.join(', ') || 'none'}`,
  );
}

/** The SaslAuthenticate answer as an error, or nothing on success. */
export function authenticateError(
  broker: string,
  errorCode: number,
  errorMessage: string | null,
): Error | undefined {
  if (errorCode === ErrorCode.NONE) return undefined;
  return new SaslAuthenticationError(
    `broker ${broker}: SASL authentication failed (error ${errorCode}): ${errorMessage ?? 'no message'}`,
  );
}

/** Validates `sasl`; a bad value is refused naming the field. */
export function resolveSaslOptions(sasl: unknown): SaslOptions | undefined {
  if (sasl === undefined) return undefined;
  const s = sasl as Partial<SaslOptions>;
  if (s === null || typeof s !== 'object')
    throw new RunnelError('sasl: must be { mechanism, username, password }');
  if (s.mechanism !== 'plain' && s.mechanism !== 'scram-sha-256' && s.mechanism !== 'scram-sha-512') {
    throw new RunnelError(
      `sasl.mechanism: ${JSON.stringify(s.mechanism)} is not 'plain', 'scram-sha-256' or 'scram-sha-512'`,
    );
  }
  if (typeof s.username !== 'string' || s.username === '')
    throw new RunnelError('sasl.username: must be a non-empty string');
  if (typeof s.password !== 'string') throw new RunnelError('sasl.password: must be a string');
  return { mechanism: s.mechanism, username: s.username, password: s.password };
}
