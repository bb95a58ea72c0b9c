import type { CliIo } from './cli-io.js';
import { type Command, CommandContext } from './command.js';
import { aclsCommand } from './commands/acls.js';
import { clusterCommand } from './commands/cluster.js';
import { consumeCommand } from './commands/consume.js';
import { dumpLogCommand } from './commands/dump-log.js';
import { groupsCommand } from './commands/groups.js';
import { perfCommand } from './commands/perf.js';
import { produceCommand } from './commands/produce.js';
import { topicsCommand } from './commands/topics.js';
import { usersCommand } from './commands/users.js';
import { describeError } from './describe-error.js';
import { HelpRequested, UsageError } from './usage-error.js';

export const COMMANDS: readonly Command[] = [
  topicsCommand,
  produceCommand,
  consumeCommand,
  groupsCommand,
  dumpLogCommand,
  clusterCommand,
  aclsCommand,
  usersCommand,
  perfCommand,
];

/** Exit codes: 0 success, 1 a failure (broker error, unknown topic, bad file), 2 bad usage. */
export const ExitCode = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: runnel <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options of every command:',
    '  -b, --bootstrap-server <host:port,...>  brokers to start from (default $RUNNEL_BOOTSTRAP, else 127.0.0.1:9092)',
    '      --command-config <file>             TLS and SASL settings: security.protocol, sasl.*, ssl.*.location (default $RUNNEL_COMMAND_CONFIG)',
    '      --json                              JSON output, one document per line, for scripts',
    '  -h, --help                              usage of the command',
    '',
    'Exit codes: 0 success, 1 the command failed (the error is printed on one line), 2 bad usage.',
    '',
  ].join('\n');
}

/**
 * Runs `runnel <argv>` and resolves with the exit code. Never throws: an error becomes one line on
 * stderr, `runnel <command>: <what failed>`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainUsage());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`runnel: unknown command '${name}'; \`runnel --help\` lists the commands\n`);
    return ExitCode.USAGE;
  }
  try {
    return await command.run(rest, new CommandContext(io));
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout.write(command.usage);
      return ExitCode.OK;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`runnel ${name}: ${err.message}\n\n${command.usage}`);
      return ExitCode.USAGE;
    }
    io.stderr.write(`runnel ${name}: ${describeError(err)}\n`);
    return ExitCode.FAILED;
  }
}
