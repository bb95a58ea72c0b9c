import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  brokerListeners,
  type ListenerSpec,
  ListenerSpecError,
  usesSasl,
  usesTls,
} from '../network/listener-spec.js';
import { BrokerConfig, type BrokerOptions } from './broker-config.js';

/**
 * Thrown when an option is invalid; the message, one line, names each bad option, its value and
 * what is allowed. The command line exits 1 on it.
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

/** The command line itself is malformed (an unknown flag, a flag without its value); the command line exits 2 on it. */
export class UsageError extends ConfigError {
  override readonly name = 'UsageError';
}

/** Every option's name, in the order BrokerConfig declares them (the order of `--help`). */
export const BROKER_OPTION_NAMES = Object.keys(new BrokerConfig()) as readonly (keyof BrokerConfig)[];

/** `dataDir` -> `data-dir` (flag), `DATA_DIR` (environment, after RUNNEL_). */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const screaming = (name: string) => kebab(name).replaceAll('-', '_').toUpperCase();

/** The flag that sets an option: `--data-dir` for `dataDir`. */
export const optionFlag = (name: keyof BrokerConfig): string => `--${kebab(name)}`;
/** The environment variable that sets an option: `RUNNEL_DATA_DIR` for `dataDir`. */
export const optionVariable = (name: keyof BrokerConfig): string => `RUNNEL_${screaming(name)}`;

/** Constraints on a value's type: when one fails, its range constraints say nothing useful. */
const TYPE_CONSTRAINTS = ['isInt', 'isBoolean', 'isString'];

/**
 * Turns a string from the environment or the command line into the option's type, judged by its
 * default. What cannot be converted is passed on as it is, so validation names it.
 */
function coerce(name: keyof BrokerConfig, raw: string): unknown {
  const sample = new BrokerConfig()[name];
  if (typeof sample === 'number' && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (typeof sample === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** Validates options over the defaults; throws ConfigError listing every problem. */
export function resolveConfig(options: BrokerOptions | Record<string, unknown>): BrokerConfig {
  const unknown = Object.keys(options).filter((k) => !(BROKER_OPTION_NAMES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown option(s): ${unknown.join(', ')}; known options: ${BROKER_OPTION_NAMES.join(', ')}`,
    );
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = plainToInstance(BrokerConfig, { ...new BrokerConfig(), ...defined });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.map((e) => {
      const name = e.property as keyof BrokerConfig;
      const failed = Object.entries(e.constraints ?? {});
      const typeFailures = failed.filter(([constraint]) => TYPE_CONSTRAINTS.includes(constraint));
      // class-validator's messages start with the property's name, which is said once already.
      const reasons = (typeFailures.length > 0 ? typeFailures : failed).map(([, message]) =>
        message.startsWith(`${name} `) ? message.slice(name.length + 1) : message,
      );
      return `${name} = ${JSON.stringify(e.value)} (${optionFlag(name)}, ${optionVariable(name)}) ${reasons.join(' and ')}`;
    });
    throw new ConfigError(`invalid broker configuration: ${problems.join('; ')}`);
  }
  const budget = config.queuedMaxRequestBytes;
  if (budget !== -1 && budget < config.socketRequestMaxBytes) {
    // As Kafka's KafkaConfig: a request of the largest allowed size must fit in the budget.
    throw new ConfigError(
      `invalid broker configuration: queuedMaxRequestBytes = ${budget} (${optionFlag('queuedMaxRequestBytes')}, ${optionVariable('queuedMaxRequestBytes')}) must be -1 (no budget) or at least socketRequestMaxBytes (${config.socketRequestMaxBytes})`,
    );
  }
  checkListeners(config);
  return config;
}

/** `listeners` and `advertisedListeners` parse, and TLS listeners have their key and certificate. */
function checkListeners(config: BrokerConfig): void {
  let listeners: ListenerSpec[];
  try {
    listeners = brokerListeners(config);
  } catch (err) {
    if (!(err instanceof ListenerSpecError)) throw err;
    throw new ConfigError(`invalid broker configuration: ${err.message}`);
  }
  const interBroker = config.interBrokerListenerName ?? listeners[0]!.name;
  const named = listeners.find((l) => l.name === interBroker);
  if (!named) {
    throw new ConfigError(
      `invalid broker configuration: interBrokerListenerName = ${JSON.stringify(interBroker)} (${optionFlag('interBrokerListenerName')}) names none of the listeners ${listeners.map((l) => l.name).join(', ')}`,
    );
  }
  // Only brokers of a cluster connect to each other: a single broker needs no credentials of its own.
  const connectsToPeers = config.cluster !== undefined && config.cluster !== '';
  if (
    connectsToPeers &&
    usesSasl(named.name) &&
    (!config.interBrokerSaslUsername || !config.interBrokerSaslPassword)
  ) {
    throw new ConfigError(
      `invalid broker configuration: inter-broker listener ${named.name} needs interBrokerSaslUsername (${optionFlag('interBrokerSaslUsername')}) and interBrokerSaslPassword (${optionFlag('interBrokerSaslPassword')})`,
    );
  }
  const tls = listeners.filter((l) => usesTls(l.name)).map((l) => l.name);
  if (tls.length > 0 && (!config.sslKeyFile || !config.sslCertFile)) {
    throw new ConfigError(
      `invalid broker configuration: listener ${tls.join(', ')} needs sslKeyFile (${optionFlag('sslKeyFile')}) and sslCertFile (${optionFlag('sslCertFile')})`,
    );
  }
}

/**
 * Reads the configuration of a broker started from the command line: defaults, then the JSON
 * file named by `--config`, then `RUNNEL_*` variables, then flags.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): BrokerConfig {
  const flagOptions = Object.fromEntries([
    ['config', { type: 'string' as const }],
    ['help', { type: 'boolean' as const }],
    ...BROKER_OPTION_NAMES.map((name) => [kebab(name), { type: 'string' as const }]),
  ]);
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: joinNegativeValues(argv),
      options: flagOptions,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; runnel-broker --help lists the options`);
  }
  if (values.help) throw new UsageError(usage());

  const merged: Record<string, unknown> = {};
  if (typeof values.config === 'string') {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${values.config}: ${(err as Error).message}`);
    }
    try {
      Object.assign(merged, JSON.parse(text));
    } catch (err) {
      throw new ConfigError(`config file ${values.config} is not valid JSON: ${(err as Error).message}`);
    }
  }
  for (const name of BROKER_OPTION_NAMES) {
    const raw = env[`RUNNEL_${screaming(name)}`];
    if (raw !== undefined) merged[name] = coerce(name, raw);
  }
  for (const name of BROKER_OPTION_NAMES) {
    const raw = values[kebab(name)];
    if (typeof raw === 'string') merged[name] = coerce(name, raw);
  }
  return resolveConfig(merged);
}

/** `--http-port -1` as `--http-port=-1`: parseArgs would take `-1` for a flag of its own. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

export function usage(): string {
  const defaults = new BrokerConfig();
  // Columns as wide as the longest name, so every flag stays apart from its variable.
  const width = Math.max(35, ...BROKER_OPTION_NAMES.map((name) => kebab(name).length + 1));
  const lines = BROKER_OPTION_NAMES.map(
    (name) =>
      `  --${kebab(name).padEnd(width)}RUNNEL_${screaming(name).padEnd(width)}${JSON.stringify(defaults[name] ?? null)}`,
  );
  const header = `  ${'flag'.padEnd(width + 2)}${'environment'.padEnd(width + 7)}default`;
  return `usage: runnel-broker [--config file.json] [options]\n\n${header}\n${lines.join('\n')}`;
}
