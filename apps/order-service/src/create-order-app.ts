import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Runnel } from '@runnel/client';
import { ensureTopics, type ReplayReport, replayTopic, ServerRunnel } from '@runnel/nestjs';
import {
  BILLING_TOPIC,
  isBillingEvent,
  isOrderEvent,
  ORDER_SERVICE_GROUP,
  ORDERS_TOPIC,
  TOPIC_PARTITIONS,
} from './events.js';

import { OrderServiceModule } from './order-service.module.js';
import { DEFAULT_ORDER_SERVICE_CONFIG, type OrderServiceConfig } from './order-service-config.js';
import { OrderBook } from './orders/order-book.js';
import { OrderErrorsFilter } from './orders/order-errors.filter.js';

export interface OrderAppOptions extends Partial<OrderServiceConfig> {
  /** NestJS's logger: a LoggerService, the levels to print, or false for silence (default NestJS's console logger). */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** How long closing waits for running event handlers before it commits and leaves the group (default 10000 ms). */
  readonly shutdownGraceMs?: number;
}

export interface OrderApp {
  readonly app: INestApplication;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** What was read back from the log at start. */
  readonly replayed: readonly ReplayReport[];
  close(): Promise<void>;
}

/**
 * Starts order-service: creates topics `orders` and `billing` when missing, rebuilds the orders
 * from both topics (the log is the source of truth), then joins group `order-service` on
 * `billing` and opens HTTP. Replay reads up to the high watermarks of the moment it starts; the
 * group then reads on from its committed offsets, so nothing written in between is missed, and
 * what both read is applied once (by event id).
 */
export async function createOrderApp(options: OrderAppOptions = {}): Promise<OrderApp> {
  const { logger, shutdownGraceMs, ...overrides } = options;
  const config: OrderServiceConfig = { ...DEFAULT_ORDER_SERVICE_CONFIG, ...overrides };
  const brokers = [...config.bootstrapServers];

  const runnel = new Runnel({ clientId: `${config.clientId}-replay`, brokers });
  await ensureTopics(runnel, [ORDERS_TOPIC, BILLING_TOPIC], TOPIC_PARTITIONS);
  const book = new OrderBook(randomUUID);
  const replayed = [
    await replayTopic(runnel, ORDERS_TOPIC, ({ value }) => {
      if (isOrderEvent(value)) book.applyOrderEvent(value);
    }),
    await replayTopic(runnel, BILLING_TOPIC, ({ value }) => {
      if (isBillingEvent(value)) book.applyBillingEvent(value);
    }),
  ];

  const app = await NestFactory.create(OrderServiceModule.forRoot(config, book), {
    logger: logger ?? undefined,
    abortOnError: false,
  });
  try {
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.useGlobalFilters(new OrderErrorsFilter());
    app.enableShutdownHooks();
    app.connectMicroservice({
      strategy: new ServerRunnel({
        client: { clientId: config.clientId, brokers },
        consumer: { groupId: ORDER_SERVICE_GROUP, autoCommitIntervalMs: 1_000 },
        subscribe: { fromBeginning: true },
        ...(shutdownGraceMs === undefined ? {} : { shutdownGraceMs }),
      }),
    });
    await app.startAllMicroservices();
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://${config.host}:${port}`, port, replayed, close: () => app.close() };
}
