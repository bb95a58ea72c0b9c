/**
 * billing-service's settings; several instances may run side by side, each with its own `--port`.
 * Each has a default; `resolveBillingServiceConfig` reads them from `RUNNEL_*` variables and the
 * command line, whose flags win.
 *
 * | setting | flag | variable | default |
 * |---|---|---|---|
 * | port: HTTP port (0: any free port) | `--port` | `RUNNEL_BILLING_SERVICE_PORT` | 3001 |
 * | host: HTTP address | `--host` | `RUNNEL_BILLING_SERVICE_HOST` | 127.0.0.1 |
 * | bootstrapServers: Kafka `bootstrap.servers`, comma separated | `--bootstrap-server` | `RUNNEL_BOOTSTRAP_SERVER` | 127.0.0.1:9092 |
 */
export interface BillingServiceConfig {
  readonly port: number;
  readonly host: string;
  readonly bootstrapServers: readonly string[];
  /** `client.id` of its Kafka connections. */
  readonly clientId: string;
}

export const DEFAULT_BILLING_SERVICE_CONFIG: BillingServiceConfig = {
  port: 3001,
  host: '127.0.0.1',
  bootstrapServers: ['127.0.0.1:9092'],
  clientId: 'billing-service',
};

/** A setting with a value it cannot take; names the setting, the value and the limit. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FLAGS = {
  '--port': 'port',
  '--host': 'host',
  '--bootstrap-server': 'bootstrapServers',
} as const;
const VARIABLES = {
  RUNNEL_BILLING_SERVICE_PORT: 'port',
  RUNNEL_BILLING_SERVICE_HOST: 'host',
  RUNNEL_BOOTSTRAP_SERVER: 'bootstrapServers',
} as const;
type Setting = (typeof FLAGS)[keyof typeof FLAGS];

export function resolveBillingServiceConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  overrides: Partial<BillingServiceConfig> = {},
): BillingServiceConfig {
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
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    raw.set(setting, [flag, value]);
  }
  const config = { ...DEFAULT_BILLING_SERVICE_CONFIG, ...overrides };
  const port = raw.get('port');
  const host = raw.get('host');
  const servers = raw.get('bootstrapServers');
  return {
    ...config,
    ...(port && { port: whole(port, 0, 65_535) }),
    ...(host && { host: host[1] }),
    ...(servers && { bootstrapServers: bootstrapServers(servers) }),
  };
}

function whole([source, value]: [string, string], min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${source} = '${value}': must be a whole number from ${min} to ${max}`);
  }
  return n;
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
