import { Runnel } from '@runnel/client';
import { type GlobalOptions, type ParsedValues, parseCommandArgs } from './args.js';
import type { CliIo } from './cli-io.js';

/** One `runnel <name>` command: its usage text and what it does. It returns the exit code (0 or 1). */
export interface Command {
  readonly name: string;
  /** One line for `runnel --help`. */
  readonly summary: string;
  /** Printed for `runnel <name> --help` and after a usage error. */
  readonly usage: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** What every command gets: the streams, and a way to parse its arguments and reach the cluster. */
export class CommandContext {
  constructor(readonly io: CliIo) {}

  parse(
    args: readonly string[],
    options: Parameters<typeof parseCommandArgs>[1],
  ): { values: ParsedValues; positionals: string[]; globals: GlobalOptions } {
    return parseCommandArgs(args, options, this.io.env);
  }

  /**
   * A client for the cluster. The CLI never creates a topic by asking for its metadata (Kafka's
   * `allow.auto.create.topics`, on by default in clients, is off here): a mistyped topic name is
   * reported, not created. `runnel topics create` creates topics.
   */
  runnel(globals: GlobalOptions): Runnel {
    return new Runnel({
      clientId: 'runnel-cli',
      brokers: globals.brokers,
      allowAutoTopicCreation: false,
      ...globals.security,
    });
  }
}
