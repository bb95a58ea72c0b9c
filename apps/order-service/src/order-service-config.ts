/**
 * order-service's settings. Each has a default; `resolveOrderServiceConfig` reads them from
 * `RUNNEL_*` variables and the command line, whose flags win.
 *
 * | setting | flag | variable | default |
 * |---|---|---|---|
 * | port: HTTP port (0: any free port) | `--port` | `RUNNEL_ORDER_SERVICE_PORT` | 3000 |
 * | host: HTTP address | `--host` | `RUNNEL_ORDER_SERVICE_HOST` | 127.0.0.1 |
 * | bootstrapServers: Kafka `bootstrap.servers`, comma separated | `--bootstrap-server` | `RUNNEL_BOOTSTRAP_SERVER` | 127.0.0.1:9092 |
 * | quoteTimeoutMs: how long `POST /orders` waits for billing's quote | `--quote-timeout-ms` | `RUNNEL_QUOTE_TIMEOUT_MS` | 5000 |
 */
export interface OrderServiceConfig {
  readonly port: number;
  readonly host: string;
  readonly bootstrapServers: readonly string[];
  readonly quoteTimeoutMs: number;
  /** `client.id` of its Kafka connections. */
  readonly clientId: string;
}

export const DEFAULT_ORDER_SERVICE_CONFIG: OrderServiceConfig = {
  port: 3000,
  host: '127.0.0.1',
  bootstrapServers: ['127.0.0.1:9092'],
  quoteTimeoutMs: 5_000,
  clientId: 'order-service',
};

/** A setting with a value it cannot take; names the setting, the value and the limit. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FLAGS = {
  '--port': 'port',
  '--host': 'host',
  '--bootstrap-server': 'bootstrapServers',
  '--quote-timeout-ms': 'quoteTimeoutMs',
} as const;
const VARIABLES = {
  RUNNEL_ORDER_SERVICE_PORT: 'port',
  RUNNEL_ORDER_SERVICE_HOST: 'host',
  RUNNEL_BOOTSTRAP_SERVER: 'bootstrapServers',
  RUNNEL_QUOTE_TIMEOUT_MS: 'quoteTimeoutMs',
} as const;
type Setting = (typeof FLAGS)[keyof typeof FLAGS];

export function resolveOrderServiceConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  overrides: Partial<OrderServiceConfig> = {},
): OrderServiceConfig {
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
  const config = { ...DEFAULT_ORDER_SERVICE_CONFIG, ...overrides };
  const port = raw.get('port');
  const host = raw.get('host');
  const servers = raw.get('bootstrapServers');
  const quoteTimeout = raw.get('quoteTimeoutMs');
  return {
    ...config,
    ...(port && { port: whole(port, 0, 65_535) }),
    ...(host && { host: host[1] }),
    ...(servers && { bootstrapServers: bootstrapServers(servers) }),
    ...(quoteTimeout && { quoteTimeoutMs: whole(quoteTimeout, 1, 600_000) }),
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
