#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, resolveBillingServiceConfig } from './billing-service-config.js';
import { type BillingApp, createBillingApp } from './create-billing-app.js';
import { AUDIT_GROUP, BILLING_GROUP } from './events.js';

/**
 * `node apps/billing-service/dist/main.js [--port 3001] [--bootstrap-server 127.0.0.1:9092]`:
 * prints one `listening on` line when ready; SIGTERM or SIGINT close it (exit 0), also while it
 * is still starting. Exit 2 for a bad setting, 1 when it cannot start.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof resolveBillingServiceConfig>;
  try {
    config = resolveBillingServiceConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`billing-service: ${error.message}\n`);
    process.exit(2);
  }
  let stopping = false;
  let service: BillingApp | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('BillingService').log(`${signal}: shutting down`);
    (service?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`billing-service: shutdown failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  service = await createBillingApp(config);
  if (stopping) {
    await service.close();
    return;
  }
  process.stdout.write(
    `billing-service listening on ${service.url} (groups '${BILLING_GROUP}' and '${AUDIT_GROUP}' on 'orders'; ` +
      `rebuilt from ${service.replayed.records} billing events)\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`billing-service failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
