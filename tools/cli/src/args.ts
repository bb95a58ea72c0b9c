import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ClientSecurity, readCommandConfig } from './command-config.js';
import { HelpRequested, UsageError } from './usage-error.js';

/** Kafka's default `bootstrap.servers` for a broker on this machine. */
export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes: where the cluster is, JSON output, help. */
export const GLOBAL_OPTIONS = {
  'bootstrap-server': { type: 'string', short: 'b' },
  'command-config': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export interface GlobalOptions {
  /** `-b`, else `RUNNEL_BOOTSTRAP`, else 127.0.0.1:9092; a comma-separated list. */
  readonly brokers: string[];
  readonly json: boolean;
  /** TLS and SASL from `--command-config` (else `RUNNEL_COMMAND_CONFIG`); none: plain TCP. */
  readonly security: ClientSecurity;
}

export type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * `node:util` parseArgs in strict mode, with the global options added; its errors (unknown
 * option, missing value) become UsageError, and `--help` becomes HelpRequested, before anything
 * else is checked.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: OptionSpecs,
  env: Readonly<Record<string, string | undefined>>,
): { values: ParsedValues; positionals: string[]; globals: GlobalOptions } {
  const specs: OptionSpecs = { ...GLOBAL_OPTIONS, ...options };
  let parsed: { values: ParsedValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: joinDashValues(args, specs),
      options: specs,
      allowPositionals: true,
      strict: true,
    }) as { values: ParsedValues; positionals: string[] };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const { values } = parsed;
  if (values.help === true) throw new HelpRequested();
  const bootstrap =
    (values['bootstrap-server'] as string | undefined) ?? env.RUNNEL_BOOTSTRAP ?? DEFAULT_BOOTSTRAP;
  const commandConfig = (values['command-config'] as string | undefined) ?? env.RUNNEL_COMMAND_CONFIG;
  return {
    values,
    positionals: parsed.positionals,
    globals: {
      brokers: parseBrokers(bootstrap),
      json: values.json === true,
      security: commandConfig === undefined ? {} : readCommandConfig(commandConfig),
    },
  };
}

/**
 * `--shift-by -2` as `--shift-by=-2`: parseArgs refuses a value starting with `-` written as the
 * next argument, yet `-2` (`--shift-by`, `--throughput`, `--acks -1`) and `-` (`--key-separator`)
 * are ordinary values. The next argument is joined to a string option unless it is one of the
 * command's own options or looks like a long option, so a forgotten value is still reported.
 */
function joinDashValues(args: readonly string[], specs: OptionSpecs): string[] {
  const known = new Set(
    Object.entries(specs).flatMap(([name, spec]) => [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])]),
  );
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const takesValue = name !== undefined && specs[name]?.type === 'string';
    if (takesValue && next?.startsWith('-') && !next.startsWith('--') && !known.has(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** `host:port[,host:port...]`, each entry checked. */
export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (brokers.length === 0) throw new UsageError(`--bootstrap-server '${value}' names no broker`);
  for (const broker of brokers) {
    const colon = broker.lastIndexOf(':');
    const port = Number(broker.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(
        `--bootstrap-server entry '${broker}' is not host:port with a port from 1 to 65535`,
      );
    }
  }
  return brokers;
}

/** A whole number from `min` to `max`. */
export function parseInteger(
  flag: string,
  value: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} '${value}' is not a whole number from ${min} to ${max}`);
  }
  return n;
}

/** A number (fractions allowed) from `min` up. */
export function parseNumber(flag: string, value: string, min: number): number {
  const n = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`${flag} '${value}' is not a number of at least ${min}`);
  return n;
}

const INT64_MAX = 2n ** 63n - 1n;

/** An offset: a whole number from 0 to 2^63-1. */
export function parseOffset(flag: string, value: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) > INT64_MAX) {
    throw new UsageError(`${flag} '${value}' is not an offset (a whole number from 0 to ${INT64_MAX})`);
  }
  return BigInt(value);
}

/** A signed shift of offsets, as `--shift-by`. */
export function parseShift(flag: string, value: string): bigint {
  if (!/^-?\d+$/.test(value) || BigInt(value) > INT64_MAX || BigInt(value) < -INT64_MAX) {
    throw new UsageError(`${flag} '${value}' is not a whole number of offsets`);
  }
  return BigInt(value);
}

/** Milliseconds since the epoch, given as such or as an ISO 8601 date-time (`2026-12-01T20:00:00Z`). */
export function parseTimestamp(flag: string, value: string): number {
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (Number.isSafeInteger(ms)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && ms >= 0) return ms;
  }
  throw new UsageError(
    `${flag} '${value}' is neither milliseconds since the epoch nor an ISO 8601 date-time`,
  );
}

/** `k=v`, split at the first `=`; the key must not be empty. */
export function parseKeyValue(flag: string, value: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} '${value}' is not key=value`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

/** Kafka's `acks`: `0`, `1`, `-1` or `all` (the same as -1). */
export function parseAcks(value: string): 0 | 1 | -1 {
  if (value === '0') return 0;
  if (value === '1') return 1;
  if (value === '-1' || value === 'all') return -1;
  throw new UsageError(`--acks '${value}' is not one of 0, 1, -1, all`);
}

export const COMPRESSION_CHOICES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionChoice = (typeof COMPRESSION_CHOICES)[number];

export function parseCompression(value: string): CompressionChoice {
  if ((COMPRESSION_CHOICES as readonly string[]).includes(value)) return value as CompressionChoice;
  throw new UsageError(`--compression '${value}' is not one of ${COMPRESSION_CHOICES.join(', ')}`);
}

/** `topic` or `topic:0,2,5`, as kafka-consumer-groups.sh's `--topic`. */
export function parseTopicPartitions(flag: string, value: string): { topic: string; partitions?: number[] } {
  const colon = value.lastIndexOf(':');
  if (colon < 0) return { topic: requireName(flag, value) };
  const topic = requireName(flag, value.slice(0, colon));
  const partitions = value
    .slice(colon + 1)
    .split(',')
    .map((p) => parseInteger(`${flag} partition`, p, 0, 2147483647));
  return { topic, partitions };
}

function requireName(flag: string, value: string): string {
  if (value === '') throw new UsageError(`${flag} needs a topic name`);
  return value;
}

/** The one string value of `name`, or undefined. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a `multiple: true` string option. */
export function stringsOption(values: ParsedValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The positional at `index`, named `what` in the error when missing. */
export function requirePositional(positionals: readonly string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

/** Refuses positionals past `count`. */
export function noMorePositionals(positionals: readonly string[], count: number): void {
  if (positionals.length > count) throw new UsageError(`unexpected argument '${positionals[count]}'`);
}
