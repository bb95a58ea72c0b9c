#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createOrderApp, type OrderApp } from './create-order-app.js';
import { ORDER_SERVICE_GROUP } from './events.js';
import { ConfigError, resolveOrderServiceConfig } from './order-service-config.js';

/**
 * `node apps/order-service/dist/main.js [--port 3000] [--bootstrap-server 127.0.0.1:9092]`:
 * prints one `listening on` line when ready; SIGTERM or SIGINT close it (exit 0), also while it
 * is still starting. Exit 2 for a bad setting, 1 when it cannot start.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof resolveOrderServiceConfig>;
  try {
    config = resolveOrderServiceConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`order-service: ${error.message}\n`);
    process.exit(2);
  }
  let stopping = false;
  let service: OrderApp | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('OrderService').log(`${signal}: shutting down`);
    (service?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`order-service: shutdown failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  service = await createOrderApp(config);
  if (stopping) {
    await service.close();
    return;
  }
  const [orders, billing] = service.replayed;
  process.stdout.write(
    `order-service listening on ${service.url} (group '${ORDER_SERVICE_GROUP}' on 'billing'; ` +
      `rebuilt from ${orders?.records ?? 0} order events and ${billing?.records ?? 0} billing events)\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`order-service failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
