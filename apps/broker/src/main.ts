#!/usr/bin/env node
import { Logger } from '@nestjs/common';
import { startBroker } from './broker.js';
import { ConfigError, loadConfig, usage } from './config/load-config.js';

/**
 * `runnel-broker`: starts a broker from flags, `RUNNEL_*` variables and an optional JSON file,
 * prints one line when it is ready, and shuts down cleanly on SIGTERM or SIGINT (exit 0).
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const broker = await startBroker({ ...config });
  const http = broker.httpPort >= 0 ? `, http on ${config.host}:${broker.httpPort}` : '';
  process.stdout.write(
    `runnel broker ${config.nodeId} listening on ${broker.bootstrapServers}${http}, data in ${config.dataDir}\n`,
  );

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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`runnel broker failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
