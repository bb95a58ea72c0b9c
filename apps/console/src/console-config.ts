/**
 * The console's settings. Each has a default; `resolveConsoleConfig` reads them from
 * `RUNNEL_CONSOLE_*` variables and the command line, whose flags win.
 *
 * | setting | flag | variable | default |
 * |---|---|---|---|
 * | port: HTTP port (0: any free port) | `--port` | `RUNNEL_CONSOLE_PORT` | 8080 |
 * | host: HTTP address | `--host` | `RUNNEL_CONSOLE_HOST` | 127.0.0.1 |
 * | allowedHosts: host names, besides IP addresses, `localhost` and `host`, that the console answers under (`.example.com`: that domain and all below it), comma separated | `--allowed-hosts` | `RUNNEL_CONSOLE_ALLOWED_HOSTS` | (none) |
 * | bootstrapServers: Kafka `bootstrap.servers`, comma separated | `--bootstrap-server` | `RUNNEL_CONSOLE_BOOTSTRAP_SERVER` | 127.0.0.1:9092 |
 * | readOnly: hide, and refuse, every change to the cluster | `--read-only` | `RUNNEL_CONSOLE_READ_ONLY` (`true`/`false`) | false |
 * | lagSampleMs: how often each group's lag is sampled for the charts | `--lag-sample-ms` | `RUNNEL_CONSOLE_LAG_SAMPLE_MS` | 5000 |
 * | securityProtocol: Kafka `security.protocol` of the brokers' listener: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL | `--security-protocol` | `RUNNEL_CONSOLE_SECURITY_PROTOCOL` | PLAINTEXT |
 * | sslCaFile: PEM CA the brokers' certificates chain to (`ssl.truststore.location`) | `--ssl-ca-file` | `RUNNEL_CONSOLE_SSL_CA_FILE` | (the system's CAs) |
 * | saslMechanism: `sasl.mechanism`: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 | `--sasl-mechanism` | `RUNNEL_CONSOLE_SASL_MECHANISM` | SCRAM-SHA-512 |
 * | saslUsername, saslPassword: the SASL credentials | `--sasl-username`, `--sasl-password` | `RUNNEL_CONSOLE_SASL_USERNAME`, `RUNNEL_CONSOLE_SASL_PASSWORD` | (none) |
 */
export interface ConsoleConfig {
  readonly port: number;
  readonly host: string;
  /** Host names the console answers under besides IP addresses, `localhost` and `host` (AllowedHostGuard). */
  readonly allowedHosts: readonly string[];
  readonly bootstrapServers: readonly string[];
  readonly readOnly: boolean;
  readonly lagSampleMs: number;
  readonly securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly sslCaFile?: string;
  readonly saslMechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly saslUsername?: string;
  readonly saslPassword?: string;
}

export const DEFAULT_CONSOLE_CONFIG: ConsoleConfig = {
  port: 8080,
  host: '127.0.0.1',
  allowedHosts: [],
  bootstrapServers: ['127.0.0.1:9092'],
  readOnly: false,
  lagSampleMs: 5_000,
  securityProtocol: 'PLAINTEXT',
  saslMechanism: 'SCRAM-SHA-512',
};

/** A setting with a value it cannot take; names the setting, the value and the limit. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FLAGS = {
  '--port': 'port',
  '--host': 'host',
  '--allowed-hosts': 'allowedHosts',
  '--bootstrap-server': 'bootstrapServers',
  '--read-only': 'readOnly',
  '--lag-sample-ms': 'lagSampleMs',
  '--security-protocol': 'securityProtocol',
  '--ssl-ca-file': 'sslCaFile',
  '--sasl-mechanism': 'saslMechanism',
  '--sasl-username': 'saslUsername',
  '--sasl-password': 'saslPassword',
} as const;
const VARIABLES = {
  RUNNEL_CONSOLE_PORT: 'port',
  RUNNEL_CONSOLE_HOST: 'host',
  RUNNEL_CONSOLE_ALLOWED_HOSTS: 'allowedHosts',
  RUNNEL_CONSOLE_BOOTSTRAP_SERVER: 'bootstrapServers',
  RUNNEL_CONSOLE_READ_ONLY: 'readOnly',
  RUNNEL_CONSOLE_LAG_SAMPLE_MS: 'lagSampleMs',
  RUNNEL_CONSOLE_SECURITY_PROTOCOL: 'securityProtocol',
  RUNNEL_CONSOLE_SSL_CA_FILE: 'sslCaFile',
  RUNNEL_CONSOLE_SASL_MECHANISM: 'saslMechanism',
  RUNNEL_CONSOLE_SASL_USERNAME: 'saslUsername',
  RUNNEL_CONSOLE_SASL_PASSWORD: 'saslPassword',
} as const;
type Setting = (typeof FLAGS)[keyof typeof FLAGS];
/** Flags that stand alone; `--read-only=false` still gives them a value. */
const SWITCHES = new Set<string>(['--read-only']);

export function resolveConsoleConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConsoleConfig {
  const raw = new Map<Setting, [source: string, value: string]>();
  for (const [variable, setting] of Object.entries(VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') raw.set(setting, [variable, value]);
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const setting = FLAGS[flag as keyof typeof FLAGS];
    if (setting === undefined)
      throw new ConfigError(`unknown option ${flag}; options: ${Object.keys(FLAGS).join(', ')}`);
    const value = inline ?? (SWITCHES.has(flag) ? 'true' : argv[++i]);
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    raw.set(setting, [flag, value]);
  }
  const port = raw.get('port');
  const host = raw.get('host');
  const servers = raw.get('bootstrapServers');
  const allowed = raw.get('allowedHosts');
  const readOnly = raw.get('readOnly');
  const sample = raw.get('lagSampleMs');
  const protocol = raw.get('securityProtocol');
  const mechanism = raw.get('saslMechanism');
  const text = (setting: Setting) => raw.get(setting)?.[1];
  const config: ConsoleConfig = {
    ...DEFAULT_CONSOLE_CONFIG,
    ...(port && { port: whole(port, 0, 65_535) }),
    ...(host && { host: host[1] }),
    ...(servers && { bootstrapServers: bootstrapServers(servers) }),
    ...(allowed && { allowedHosts: hostNames(allowed) }),
    ...(readOnly && { readOnly: bool(readOnly) }),
    ...(sample && { lagSampleMs: whole(sample, 100, 3_600_000) }),
    ...(protocol && {
      securityProtocol: oneOf(protocol, ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const),
    }),
    ...(mechanism && {
      saslMechanism: oneOf(mechanism, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const),
    }),
    ...(text('sslCaFile') !== undefined && { sslCaFile: text('sslCaFile')! }),
    ...(text('saslUsername') !== undefined && { saslUsername: text('saslUsername')! }),
    ...(text('saslPassword') !== undefined && { saslPassword: text('saslPassword')! }),
  };
  if (
    config.securityProtocol.startsWith('SASL_') &&
    (!config.saslUsername || config.saslPassword === undefined)
  ) {
    throw new ConfigError(
      `--security-protocol ${config.securityProtocol} needs --sasl-username and --sasl-password (or RUNNEL_CONSOLE_SASL_PASSWORD)`,
    );
  }
  return config;
}

function oneOf<T extends string>([source, value]: [string, string], allowed: readonly T[]): T {
  const upper = value.toUpperCase();
  if (!(allowed as readonly string[]).includes(upper)) {
    throw new ConfigError(`${source} = '${value}': must be one of ${allowed.join(', ')}`);
  }
  return upper as T;
}

function whole([source, value]: [string, string], min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${source} = '${value}': must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function bool([source, value]: [string, string]): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${source} = '${value}': must be true or false`);
}

function bootstrapServers([source, value]: [string, string]): string[] {
  const servers = value.split(',').map((s) => s.trim());
  for (const server of servers) {
    if (!/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/.test(server)) {
      throw new ConfigError(`${source} = '${value}': '${server}' is not host:port`);
    }
  }
  return servers;
}

function hostNames([source, value]: [string, string]): string[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) {
      throw new ConfigError(
        `${source} = '${value}': '${name}' is not a host name (letters, digits, '-' and '.'; a leading '.' for a whole domain)`,
      );
    }
  }
  return names;
}
