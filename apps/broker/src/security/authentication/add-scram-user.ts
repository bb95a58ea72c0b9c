import { parseArgs } from 'node:util';
import { lockDataDir } from '../../startup/data-dir.js';
import {
  isScramMechanism,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  newCredential,
} from './scram-credential.js';
import { ScramCredentialStore } from './scram-credential-store.js';

/** The command line of `add-scram-user` is wrong; the message says how. */
export class AddScramUserUsageError extends Error {
  override readonly name = 'AddScramUserUsageError';
}

export const ADD_SCRAM_USER_USAGE =
  'usage: runnel-broker --data-dir D add-scram-user NAME --mechanism SCRAM-SHA-256|SCRAM-SHA-512 --password P [--iterations 4096]';

/**
 * `runnel-broker --data-dir D add-scram-user NAME --mechanism M --password P`: stores NAME's SCRAM
 * credential in D before the broker first starts, as Kafka's `kafka-storage format --add-scram`
 * does, so the first SASL user exists before any client can connect. Takes the data directory's
 * lock, so it refuses to run beside a broker using D. Returns the line to print.
 */
export function addScramUser(dataDir: string, args: readonly string[]): string {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new AddScramUserUsageError(`${(err as Error).message}; ${ADD_SCRAM_USER_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [user] = positionals;
  if (positionals.length !== 1 || !user)
    throw new AddScramUserUsageError(`one user name is needed; ${ADD_SCRAM_USER_USAGE}`);
  const mechanism = values.mechanism ?? '';
  if (!isScramMechanism(mechanism)) {
    throw new AddScramUserUsageError(
      `--mechanism ${JSON.stringify(mechanism)} is not SCRAM-SHA-256 or SCRAM-SHA-512`,
    );
  }
  if (!values.password) throw new AddScramUserUsageError(`--password is needed; ${ADD_SCRAM_USER_USAGE}`);
  const iterations = Number(values.iterations ?? MIN_SCRAM_ITERATIONS);
  if (
    !Number.isInteger(iterations) ||
    iterations < MIN_SCRAM_ITERATIONS ||
    iterations > MAX_SCRAM_ITERATIONS
  ) {
    throw new AddScramUserUsageError(
      `--iterations ${values.iterations} must be an integer from ${MIN_SCRAM_ITERATIONS} to ${MAX_SCRAM_ITERATIONS}`,
    );
  }
  const lock = lockDataDir(dataDir);
  try {
    ScramCredentialStore.open(dataDir).upsert(
      user,
      mechanism,
      newCredential(mechanism, values.password, iterations),
    );
  } finally {
    lock.release();
  }
  return `added ${mechanism} credential of ${user} (${iterations} iterations) to ${dataDir}`;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      mechanism: { type: 'string' },
      password: { type: 'string' },
      iterations: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
}
