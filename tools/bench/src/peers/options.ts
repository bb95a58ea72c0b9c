/** The command line of `npm run bench:peers -- [options]`, with Kafka perf-test names where they exist. */
export interface PeerBenchOptions {
  /** `--records`: records of the throughput workload, produced then consumed by every row. Default 1,000,000. */
  records: number;
  /** `--throughput`: records/s of the latency phase (kafka-producer-perf-test's name). Default 10,000. */
  latencyRate: number;
  /** `--warmup-seconds`: paced seconds before latencies count. Default 1. */
  warmupSeconds: number;
  /** `--latency-seconds`: paced seconds whose latencies count. Default 3. */
  latencySeconds: number;
  /** `--only id,...`: run only these rows (ids as in the JSON figures); default every row. */
  only: readonly string[] | undefined;
  /** `--no-write`: print the figures only, leave BENCHMARKS.md and the charts as they are. */
  write: boolean;
}

export const DEFAULT_OPTIONS: PeerBenchOptions = {
  records: 1_000_000,
  latencyRate: 10_000,
  warmupSeconds: 1,
  latencySeconds: 3,
  only: undefined,
  write: true,
};

/** A bad command line: names the option, the value and what is allowed. Exit code 2. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** The numeric options: the field each sets, its range, and what it means (for the help). */
const LIMITS = {
  '--records': ['records', 1000, 100_000_000, 'records of 100 bytes produced then consumed per row'],
  '--throughput': ['latencyRate', 100, 1_000_000, 'records/s of the latency phase'],
  '--warmup-seconds': ['warmupSeconds', 0, 60, 'paced seconds before latencies count'],
  '--latency-seconds': ['latencySeconds', 1, 600, 'paced seconds whose latencies count'],
} as const;

/** The help text, from LIMITS and DEFAULT_OPTIONS, naming the rows `--only` accepts. */
export function usage(knownIds: readonly string[]): string {
  const numeric = Object.entries(LIMITS).map(
    ([flag, [field, min, max, meaning]]) =>
      `  ${`${flag} N`.padEnd(21)}${meaning} (default ${DEFAULT_OPTIONS[field]}, ${min}..${max})`,
  );
  return [
    `usage: npm run bench:peers -- ${Object.keys(LIMITS)
      .map((flag) => `[${flag} N]`)
      .join(' ')} [--only id,...] [--no-write]`,
    ...numeric,
    `  ${'--only id,...'.padEnd(21)}run only these rows (default all): ${knownIds.join(', ')}`,
    `  ${'--no-write'.padEnd(21)}print the figures only; leave BENCHMARKS.md and the charts alone`,
  ].join('\n');
}

function wholeNumber(flag: keyof typeof LIMITS, text: string | undefined): number {
  const [, min, max] = LIMITS[flag];
  if (text === undefined)
    throw new BenchUsageError(`${flag} needs a value (a whole number from ${min} to ${max})`);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new BenchUsageError(`${flag} ${text} is not a whole number from ${min} to ${max}`);
  return value;
}

/** Parses `argv` (without node and the script); throws BenchUsageError on anything it does not know. */
export function parseOptions(argv: readonly string[], knownIds: readonly string[]): PeerBenchOptions {
  const options = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg in LIMITS) {
      const flag = arg as keyof typeof LIMITS;
      options[LIMITS[flag][0]] = wholeNumber(flag, argv[++i]);
    } else if (arg === '--only') {
      const list = argv[++i];
      if (list === undefined || list === '')
        throw new BenchUsageError(`--only needs row ids: ${knownIds.join(', ')}`);
      const ids = list.split(',');
      const unknown = ids.filter((id) => !knownIds.includes(id));
      if (unknown.length > 0)
        throw new BenchUsageError(
          `--only ${unknown.join(',')}: no such row; rows are ${knownIds.join(', ')}`,
        );
      options.only = ids;
    } else if (arg === '--no-write') {
      options.write = false;
    } else {
      throw new BenchUsageError(`unknown option ${arg}`);
    }
  }
  return options;
}
