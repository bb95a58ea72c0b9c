import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { parseBrokerAddress } from './connection/broker-address.js';
import { resolveSaslOptions, type SaslOptions } from './connection/sasl-authenticator.js';
import { RunnelError } from './errors/runnel-error.js';
import type { ClusterOptions } from './metadata/cluster.js';

/** Options of `new Runnel(...)`: the connection and metadata settings every producer, consumer and admin shares. */
export interface RunnelOptions {
  /** Names this client in every request and in broker logs and quotas (`client.id`). Default `'runnel'`. */
  clientId?: string;
  /** Bootstrap brokers, `'host:port'`, tried in order until one answers (`bootstrap.servers`). Required. */
  brokers: readonly string[];
  /** How long opening a connection (TCP and the ApiVersions handshake) may take (`socket.connection.setup.timeout.ms`). Default 10000. */
  connectionTimeoutMs?: number;
  /** How long a request waits for its response before it fails and its connection is closed (`request.timeout.ms`). Default 30000. */
  requestTimeoutMs?: number;
  /** Topic metadata older than this is fetched again before use, even without a leader error (`metadata.max.age.ms`). Default 300000. */
  metadataMaxAgeMs?: number;
  /** Wait before reconnecting to a broker after a failure, doubling per failure (`reconnect.backoff.ms`). Default 50. */
  reconnectBackoffMs?: number;
  /** Longest wait between reconnection attempts (`reconnect.backoff.max.ms`). Default 1000. */
  reconnectBackoffMaxMs?: number;
  /** Whether asking for metadata of a missing topic may create it, where the broker allows (`allow.auto.create.topics`). Default true. */
  allowAutoTopicCreation?: boolean;
  /**
   * TLS to the brokers (listeners SSL or SASL_SSL), as kafkajs takes it: `true` for node:tls
   * defaults (the system's CAs), or node:tls `connect` options (`ca`, `cert`, `key`,
   * `rejectUnauthorized`, ...). Default: plain TCP.
   */
  ssl?: boolean | TlsConnectionOptions;
  /**
   * SASL credentials (listeners SASL_PLAINTEXT or SASL_SSL), as kafkajs takes them:
   * `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }`. Default: none.
   */
  sasl?: SaslOptions;
}

/** The defaults, in one place: the README's table and the code read them from here. */
export const DEFAULT_RUNNEL_OPTIONS = {
  clientId: 'runnel',
  connectionTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  metadataMaxAgeMs: 300_000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1000,
  allowAutoTopicCreation: true,
} as const;

/** Largest value a Node timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

function milliseconds(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new RunnelError(
      `${name}: ${String(value)} is not a whole number of milliseconds from ${min} to ${MAX_TIMER_MS}`,
    );
  }
  return value;
}

/** Validates the options and fills in defaults; a bad value is refused naming the option, the value and the limit. */
export function resolveRunnelOptions(options: RunnelOptions): ClusterOptions {
  if (
    options === null ||
    typeof options !== 'object' ||
    !Array.isArray(options.brokers) ||
    options.brokers.length === 0
  ) {
    throw new RunnelError("brokers: at least one 'host:port' is needed");
  }
  const clientId = options.clientId ?? DEFAULT_RUNNEL_OPTIONS.clientId;
  if (typeof clientId !== 'string' || clientId.length > 32767) {
    throw new RunnelError(`clientId: must be a string of at most 32767 characters`);
  }
  const d = DEFAULT_RUNNEL_OPTIONS;
  const reconnectBackoffMs = milliseconds(
    'reconnectBackoffMs',
    options.reconnectBackoffMs,
    d.reconnectBackoffMs,
    0,
  );
  const reconnectBackoffMaxMs = milliseconds(
    'reconnectBackoffMaxMs',
    options.reconnectBackoffMaxMs,
    Math.max(d.reconnectBackoffMaxMs, reconnectBackoffMs),
    0,
  );
  if (reconnectBackoffMaxMs < reconnectBackoffMs) {
    throw new RunnelError(
      `reconnectBackoffMaxMs: ${reconnectBackoffMaxMs} is below reconnectBackoffMs (${reconnectBackoffMs})`,
    );
  }
  return {
    clientId,
    brokers: options.brokers.map((b) => parseBrokerAddress(String(b), 'brokers')),
    connectTimeoutMs: milliseconds(
      'connectionTimeoutMs',
      options.connectionTimeoutMs,
      d.connectionTimeoutMs,
      1,
    ),
    requestTimeoutMs: milliseconds('requestTimeoutMs', options.requestTimeoutMs, d.requestTimeoutMs, 1),
    metadataMaxAgeMs: milliseconds('metadataMaxAgeMs', options.metadataMaxAgeMs, d.metadataMaxAgeMs, 0),
    reconnectBackoffMs,
    reconnectBackoffMaxMs,
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? d.allowAutoTopicCreation,
    ssl: resolveSsl(options.ssl),
    sasl: resolveSaslOptions(options.sasl),
  };
}

/** `ssl: true` is node:tls's defaults; `false` or absent is plain TCP. */
function resolveSsl(ssl: RunnelOptions['ssl']): TlsConnectionOptions | undefined {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return {};
  if (typeof ssl !== 'object' || ssl === null)
    throw new RunnelError('ssl: must be true, false or node:tls connect options');
  return ssl;
}
