import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { AlterUserScramCredentials, DescribeUserScramCredentials, KafkaError } from '@runnel/protocol';
import { noMorePositionals, requirePositional, stringOption } from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage:
  runnel users list [<user>...] [--json]
  runnel users set-password <user> --password P [--mechanism SCRAM-SHA-512|SCRAM-SHA-256] [--iterations N]
  runnel users delete <user> [--mechanism SCRAM-SHA-512|SCRAM-SHA-256]

  As kafka-configs.sh --entity-type users --alter --add-config 'SCRAM-SHA-512=[password=P]':
  the salted password is computed here (PBKDF2), so the password itself never reaches the broker.
  --mechanism              default SCRAM-SHA-512 (delete: both mechanisms the user has)
  --iterations             4096 (the default) to 16384
  --password               also from RUNNEL_USER_PASSWORD, which keeps it out of the process list
`;

const OPTIONS = {
  password: { type: 'string' },
  mechanism: { type: 'string' },
  iterations: { type: 'string' },
} as const;

/** KIP-554's mechanism codes, with the hash and key length of each. */
const MECHANISMS = {
  'SCRAM-SHA-256': { type: 1, hash: 'sha256', keyBytes: 32 },
  'SCRAM-SHA-512': { type: 2, hash: 'sha512', keyBytes: 64 },
} as const;
type Mechanism = keyof typeof MECHANISMS;
type Values = ReturnType<CommandContext['parse']>['values'];
/** Kafka's bounds on SCRAM iterations (ScramMechanism). */
const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 16384;
const NAME_OF = new Map(Object.entries(MECHANISMS).map(([name, m]) => [m.type as number, name]));

export const usersCommand: Command = {
  name: 'users',
  summary: 'list, set the password of, delete SCRAM users (kafka-configs.sh --entity-type users)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const action = requirePositional(positionals, 0, 'action: list, set-password or delete');
    const runnel = context.runnel(globals);
    const send = async <T>(
      use: (connection: Awaited<ReturnType<typeof runnel.cluster.anyConnection>>) => Promise<T>,
    ) => {
      try {
        await runnel.cluster.connect();
        return await use(await runnel.cluster.anyConnection());
      } finally {
        await runnel.cluster.disconnect().catch(() => undefined);
      }
    };
    const out = context.io.stdout;
    switch (action) {
      case 'list': {
        const named = positionals.slice(1);
        const answer = await send((c) =>
          c.request(DescribeUserScramCredentials, {
            users: named.length > 0 ? named.map((name) => ({ name })) : null,
          }),
        );
        KafkaError.throwIfError(answer.errorCode, { context: 'DescribeUserScramCredentials' });
        throwIfRefused(answer.results);
        const users = answer.results.map((r) => ({
          user: r.user,
          credentials: r.credentialInfos.map((i) => ({
            mechanism: NAME_OF.get(i.mechanism) ?? String(i.mechanism),
            iterations: i.iterations,
          })),
        }));
        await write(
          out,
          globals.json
            ? toJsonLine({ users })
            : renderTable(
                ['USER', 'MECHANISM', 'ITERATIONS'],
                users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, String(c.iterations)])),
              ),
        );
        return 0;
      }
      case 'set-password': {
        const user = requirePositional(positionals, 1, 'the user whose password to set');
        noMorePositionals(positionals, 2);
        const password = stringOption(values, 'password') ?? context.io.env.RUNNEL_USER_PASSWORD;
        if (password === undefined || password === '') {
          throw new UsageError('--password (or RUNNEL_USER_PASSWORD) is needed');
        }
        const mechanism = mechanismOption(values) ?? 'SCRAM-SHA-512';
        const iterations = iterationsOption(values);
        const { type, hash, keyBytes } = MECHANISMS[mechanism];
        const salt = randomBytes(32);
        const saltedPassword = pbkdf2Sync(
          Buffer.from(password.normalize('NFKC')),
          salt,
          iterations,
          keyBytes,
          hash,
        );
        const answer = await send((c) =>
          c.request(AlterUserScramCredentials, {
            deletions: [],
            upsertions: [{ name: user, mechanism: type, iterations, salt, saltedPassword }],
          }),
        );
        throwIfRefused(answer.results);
        await write(out, `set the ${mechanism} password of ${user} (${iterations} iterations)\n`);
        return 0;
      }
      case 'delete': {
        const user = requirePositional(positionals, 1, 'the user to delete');
        noMorePositionals(positionals, 2);
        let mechanisms: Mechanism[];
        const given = mechanismOption(values);
        if (given) {
          mechanisms = [given];
        } else {
          const answer = await send((c) =>
            c.request(DescribeUserScramCredentials, { users: [{ name: user }] }),
          );
          const result = answer.results[0];
          KafkaError.throwIfError(result?.errorCode ?? answer.errorCode, { context: `user ${user}` });
          mechanisms = result!.credentialInfos.map((i) => NAME_OF.get(i.mechanism) as Mechanism);
        }
        const answer = await send((c) =>
          c.request(AlterUserScramCredentials, {
            deletions: mechanisms.map((m) => ({ name: user, mechanism: MECHANISMS[m].type })),
            upsertions: [],
          }),
        );
        throwIfRefused(answer.results);
        await write(out, `deleted the ${mechanisms.join(' and ')} credentials of ${user}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action '${action}': list, set-password or delete`);
    }
  },
};

function mechanismOption(values: Values): Mechanism | undefined {
  const given = stringOption(values, 'mechanism');
  if (given === undefined) return undefined;
  const upper = given.toUpperCase();
  if (!(upper in MECHANISMS))
    throw new UsageError(`--mechanism '${given}' is not SCRAM-SHA-512 or SCRAM-SHA-256`);
  return upper as Mechanism;
}

function iterationsOption(values: Values): number {
  const given = stringOption(values, 'iterations');
  if (given === undefined) return MIN_ITERATIONS;
  const n = Number(given);
  if (!Number.isInteger(n) || n < MIN_ITERATIONS || n > MAX_ITERATIONS) {
    throw new UsageError(
      `--iterations '${given}' must be a whole number from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`,
    );
  }
  return n;
}

/** Every alteration's result; the first refused one is thrown, naming the user and why. */
function throwIfRefused(
  results: readonly { user: string; errorCode: number; errorMessage: string | null }[],
): void {
  for (const r of results) {
    KafkaError.throwIfError(r.errorCode, { context: `user ${r.user}: ${r.errorMessage ?? ''}` });
  }
}
