import { parseArgs } from 'node:util';
import { lockDataDir } from '../../startup/data-dir.js';
import { BrokerStartupError } from '../../startup/startup-error.js';
import { openScramCredentials } from './open-scram-credentials.js';
import {
  isScramMechanism,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  newCredential,
} from './scram-credential.js';

/** The command line of `add-scram-user` is wrong; the message says how. */
export class AddScramUserUsageError extends Error {
  override readonly name = 'AddScramUserUsageError';
}

export const ADD_SCRAM_USER_USAGE =
  'usage: runnel-broker --data-dir D [--cluster etcd://H:P --cluster-id ID] add-scram-user NAME --mechanism SCRAM-SHA-256|SCRAM-SHA-512 --password P [--iterations 4096]';

/** Where `add-scram-user` stores the credential: the data directory, or with `cluster` the cluster's etcd key. */
export interface AddScramUserTarget {
  readonly dataDir: string;
  readonly cluster?: string | undefined;
  readonly clusterId?: string | undefined;
}

/**
 * `runnel-broker --data-dir D add-scram-user NAME --mechanism M --password P`: stores NAME's SCRAM
 * credential in D before the broker first starts, as Kafka's `kafka-storage format --add-scram`
 * does, so the first SASL user exists before any client can connect. Takes the data directory's
 * lock, so it refuses to run beside a broker using D. With `--cluster` it stores the credential in
 * the cluster's etcd key instead (the data directory is not touched), by the same compared write
 * as AlterUserScramCredentials, so it may run while brokers are up: each sees it through its
 * watch. Resolves with the line to print.
 */
export async function addScramUser(
  target: string | AddScramUserTarget,
  args: readonly string[],
): Promise<string> {
  const { dataDir, cluster, clusterId } = typeof target === 'string' ? { dataDir: target } : target;
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
  const alteration = {
    user,
    deletions: [],
    upsertions: [{ mechanism, credential: newCredential(mechanism, values.password, iterations) }],
  };
  if (cluster) {
    try {
      const store = await openScramCredentials(
        { dataDir, cluster, clusterId: clusterId ?? 'runnel' },
        () => {},
      );
      try {
        await store.alter([alteration]);
      } finally {
        await store.close();
      }
    } catch (cause) {
      // One line on the command line, as a broker that cannot reach etcd at start.
      throw new BrokerStartupError(
        `cannot store the credential of ${user} in cluster ${clusterId ?? 'runnel'} at ${cluster}: ${(cause as Error).message}`,
        'cluster',
        { cause },
      );
    }
    return `added ${mechanism} credential of ${user} (${iterations} iterations) to cluster ${clusterId ?? 'runnel'} at ${cluster}`;
  }
  const lock = lockDataDir(dataDir);
  try {
    const store = await openScramCredentials({ dataDir, clusterId: '' }, () => {});
    await store.alter([alteration]);
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
