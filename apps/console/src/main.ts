#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, resolveConsoleConfig } from './console-config.js';
import { type ConsoleApp, createConsoleApp } from './create-console-app.js';

/**
 * `node apps/console/dist/main.js [--port 8080] [--bootstrap-server 127.0.0.1:9092] [--read-only]`:
 * prints one `listening on` line when ready; SIGTERM or SIGINT close it (exit 0). Exit 2 for a
 * bad setting, 1 when it cannot start.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof resolveConsoleConfig>;
  try {
    config = resolveConsoleConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`console: ${error.message}\n`);
    process.exit(2);
  }
  let stopping = false;
  let app: ConsoleApp | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Console').log(`${signal}: shutting down`);
    (app?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`console: shutdown failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  app = await createConsoleApp({ ...config, logger: ['error', 'warn', 'log'] });
  if (stopping) {
    await app.close();
    return;
  }
  process.stdout.write(
    `console listening on ${app.url} (cluster ${config.bootstrapServers.join(',')}${config.readOnly ? ', read-only' : ''})\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`console failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
