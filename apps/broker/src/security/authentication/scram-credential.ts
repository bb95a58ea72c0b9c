import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The SCRAM mechanisms of KIP-84, with the hash each uses. */
export const SCRAM_MECHANISMS = {
  'SCRAM-SHA-256': { hash: 'sha256', keyBytes: 32, mechanismType: 1 },
  'SCRAM-SHA-512': { hash: 'sha512', keyBytes: 64, mechanismType: 2 },
} as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;

/** Kafka's smallest and largest iteration counts (ScramMechanism.minIterations / 16384 for AlterUserScramCredentials). */
export const MIN_SCRAM_ITERATIONS = 4096;
export const MAX_SCRAM_ITERATIONS = 16384;

export const isScramMechanism = (name: string): name is ScramMechanism =>
  Object.hasOwn(SCRAM_MECHANISMS, name);

/**
 * A user's SCRAM credential as Kafka stores it (ScramCredential; RFC 5802 section 3): never the
 * password, only the salt, the iteration count and the two keys derived from the salted password,
 * `StoredKey = H(HMAC(SaltedPassword, "Client Key"))` and `ServerKey = HMAC(SaltedPassword,
 * "Server Key")`. Printed as Kafka's ScramCredentialUtils does:
 * `salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>`.
 */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(SCRAM_MECHANISMS[mechanism].hash, key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(SCRAM_MECHANISMS[mechanism].hash).update(data).digest();
}

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC. */
export function saltPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  const { hash, keyBytes } = SCRAM_MECHANISMS[mechanism];
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, keyBytes, hash);
}

/** The credential of a salted password (what AlterUserScramCredentials carries). */
export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  saltedPassword: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, 'Client Key');
  return {
    salt,
    storedKey: digest(mechanism, clientKey),
    serverKey: hmac(mechanism, saltedPassword, 'Server Key'),
    iterations,
  };
}

/** A new credential for `password`, with a random 32-byte salt as Kafka's ScramFormatter makes. */
export function newCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations: number,
): ScramCredential {
  const salt = randomBytes(32);
  return credentialFromSaltedPassword(
    mechanism,
    saltPassword(mechanism, password, salt, iterations),
    salt,
    iterations,
  );
}

export function formatCredential(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

/** Parses what formatCredential printed; throws naming the part that is missing or wrong. */
export function parseCredential(text: string): ScramCredential {
  const parts = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const need = (key: string): string => {
    const value = parts.get(key);
    if (value === undefined || value === '') throw new Error(`SCRAM credential has no ${key}`);
    return value;
  };
  const iterations = Number(need('iterations'));
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`SCRAM credential iterations ${parts.get('iterations')} is not a positive integer`);
  }
  return {
    salt: Buffer.from(need('salt'), 'base64'),
    storedKey: Buffer.from(need('stored_key'), 'base64'),
    serverKey: Buffer.from(need('server_key'), 'base64'),
    iterations,
  };
}
