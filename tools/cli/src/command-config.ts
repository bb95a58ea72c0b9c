import { readFileSync } from 'node:fs';
import type { RunnelOptions } from '@runnel/client';
import { UsageError } from './usage-error.js';

/** The connection settings a `--command-config` file gives @runnel/client. */
export type ClientSecurity = Pick<RunnelOptions, 'ssl' | 'sasl'>;

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: Record<string, NonNullable<RunnelOptions['sasl']>['mechanism']> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};
const KEYS = [
  'security.protocol',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.username',
  'sasl.password',
  'ssl.ca.location',
  'ssl.certificate.location',
  'ssl.key.location',
];

/**
 * Reads `--command-config FILE`, as Kafka's tools take one: `key=value` lines (`#` comments),
 * with librdkafka's names, which kcat's `-F` file uses too:
 *
 *   security.protocol=SASL_SSL
 *   sasl.mechanism=SCRAM-SHA-512        (or sasl.mechanisms)
 *   sasl.username=admin
 *   sasl.password=admin-secret
 *   ssl.ca.location=/etc/runnel/ca.crt  (ssl.certificate.location, ssl.key.location for mutual TLS)
 *
 * An unknown key, protocol or mechanism, or a file that cannot be read, is a UsageError naming it.
 */
export function readCommandConfig(path: string): ClientSecurity {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--command-config ${path}: ${(err as Error).message}`);
  }
  const settings = new Map<string, string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : line;
    if (eq <= 0 || !KEYS.includes(key)) {
      throw new UsageError(`--command-config ${path}:${i + 1}: '${key}' is not one of ${KEYS.join(', ')}`);
    }
    settings.set(key === 'sasl.mechanisms' ? 'sasl.mechanism' : key, line.slice(eq + 1).trim());
  }
  const protocol = (settings.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!PROTOCOLS.includes(protocol)) {
    throw new UsageError(
      `--command-config ${path}: security.protocol '${protocol}' is not one of ${PROTOCOLS.join(', ')}`,
    );
  }
  const security: ClientSecurity = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const file = (key: string) => {
      const location = settings.get(key);
      if (location === undefined) return undefined;
      try {
        return readFileSync(location);
      } catch (err) {
        throw new UsageError(`--command-config ${path}: ${key} ${location}: ${(err as Error).message}`);
      }
    };
    const ca = file('ssl.ca.location');
    const cert = file('ssl.certificate.location');
    const key = file('ssl.key.location');
    security.ssl =
      ca || cert || key ? { ...(ca && { ca: [ca] }), ...(cert && { cert }), ...(key && { key }) } : true;
  }
  if (protocol.startsWith('SASL_')) {
    const name = (settings.get('sasl.mechanism') ?? 'SCRAM-SHA-512').toUpperCase();
    const mechanism = MECHANISMS[name];
    if (!mechanism) {
      throw new UsageError(
        `--command-config ${path}: sasl.mechanism '${name}' is not one of ${Object.keys(MECHANISMS).join(', ')}`,
      );
    }
    const username = settings.get('sasl.username');
    const password = settings.get('sasl.password');
    if (!username || password === undefined) {
      throw new UsageError(`--command-config ${path}: ${protocol} needs sasl.username and sasl.password`);
    }
    security.sasl = { mechanism, username, password };
  }
  return security;
}
