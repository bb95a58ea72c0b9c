#!/usr/bin/env node
import { Logger } from '@nestjs/common';
import { startBroker } from './broker.js';
import { ConfigError, loadConfig, UsageError, usage } from './config/load-config.js';
import { AddScramUserUsageError, addScramUser } from './security/authentication/add-scram-user.js';
import { BrokerStartupError } from './startup/startup-error.js';

/**
 * `runnel-broker`: starts a broker from flags, `RUNNEL_*` variables and an optional JSON file,
 * prints one line when it is ready, and shuts down cleanly on SIGTERM or SIGINT (exit 0).
 *
 * Exit codes: 2 when the command line is malformed (an unknown flag, a flag without a value);
 * 1 when the broker cannot start: an invalid value (ConfigError), a data directory that is a file
 * or is locked by another broker, a port in use (BrokerStartupError), each told in one line with
 * no stack trace; 1 with the stack trace for anything unexpected.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const subcommand = process.argv.indexOf('add-scram-user');
  if (subcommand >= 0) return runAddScramUser(subcommand);
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
    broker = await startBroker({ ...config });
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof BrokerStartupError)) throw err;
    process.stderr.write(`runnel-broker: ${err.message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
  const shutdown = (signal: string) => {
    new Logger('Broker').log(`${signal}: shutting down`);
    broker.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  // Installed before the ready line: whoever waits for that line may signal at once.
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  const http = broker.httpPort >= 0 ? `, http on ${config.host}:${broker.httpPort}` : '';
  process.stdout.write(
    `runnel broker ${config.nodeId} listening on ${broker.bootstrapServers}${http}, data in ${config.dataDir}\n`,
  );
}

/** `runnel-broker [options] add-scram-user NAME ...`: the options before it name the data directory (or, with `--cluster`, the cluster). */
async function runAddScramUser(at: number): Promise<void> {
  try {
    const config = loadConfig(process.argv.slice(2, at), process.env);
    process.stdout.write(`${await addScramUser(config, process.argv.slice(at + 1))}\n`);
  } catch (err) {
    if (
      !(
        err instanceof ConfigError ||
        err instanceof BrokerStartupError ||
        err instanceof AddScramUserUsageError
      )
    ) {
      throw err;
    }
    process.stderr.write(`runnel-broker: ${err.message}\n`);
    process.exit(err instanceof UsageError || err instanceof AddScramUserUsageError ? 2 : 1);
  }
}

main().catch((err) => {
  process.stderr.write(`runnel broker failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
