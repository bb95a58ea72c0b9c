import type { AddressInfo } from 'node:net';
import { type INestApplication, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Runnel } from '@runnel/client';
import { ensureTopics, type ReplayReport, replayTopic, ServerRunnel } from '@runnel/nestjs';
import { AuditService } from './audit/audit.service.js';
import { BillingServiceModule } from './billing-service.module.js';
import { type BillingServiceConfig, DEFAULT_BILLING_SERVICE_CONFIG } from './billing-service-config.js';
import {
  AUDIT_GROUP,
  BILLING_GROUP,
  BILLING_QUOTE_PATTERN,
  BILLING_TOPIC,
  isBillingEvent,
  ORDERS_TOPIC,
  TOPIC_PARTITIONS,
} from './events.js';
import { describeChange, GroupMembership } from './groups/group-membership.js';
import { InvoiceLedger } from './invoices/invoice-ledger.js';
import { InvoicesService } from './invoices/invoices.service.js';

import type { LogReader } from './log/log-reader.js';

export interface BillingAppOptions extends Partial<BillingServiceConfig> {
  /** NestJS's logger: a LoggerService, the levels to print, or false for silence (default NestJS's console logger). */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** How long closing waits for running event handlers before it commits and leaves the groups (default 10000 ms). */
  readonly shutdownGraceMs?: number;
  /** `session.timeout.ms` of its group members (default 10000 ms, so a killed instance's partitions move on soon). */
  readonly sessionTimeoutMs?: number;
}

export interface BillingApp {
  readonly app: INestApplication;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** What was read back from topic `billing` at start. */
  readonly replayed: ReplayReport;
  close(): Promise<void>;
}

/**
 * Starts one billing-service instance: creates the topics when missing, rebuilds the invoices
 * from topic `billing`, joins groups `billing-service` (orders and `billing.quote`) and
 * `billing-audit` (orders) and opens HTTP. Each rebalance is logged with the partitions this
 * instance got, or that it is idle; the audit and the billing catch-up follow the partitions.
 */
export async function createBillingApp(options: BillingAppOptions = {}): Promise<BillingApp> {
  const { logger, shutdownGraceMs, sessionTimeoutMs = 10_000, ...overrides } = options;
  const config: BillingServiceConfig = { ...DEFAULT_BILLING_SERVICE_CONFIG, ...overrides };
  const brokers = [...config.bootstrapServers];

  const runnel = new Runnel({ clientId: `${config.clientId}-replay`, brokers });
  const log: LogReader = {
    replay: (topic, apply, replayOptions) => replayTopic(runnel, topic, apply, replayOptions),
  };
  await ensureTopics(runnel, [ORDERS_TOPIC, BILLING_TOPIC, BILLING_QUOTE_PATTERN], TOPIC_PARTITIONS);
  const ledger = new InvoiceLedger();
  const replayed = await log.replay(BILLING_TOPIC, ({ value, partition }) => {
    if (isBillingEvent(value)) ledger.apply(value, partition);
  });
  const membership = new GroupMembership();
  const state = { ledger, positions: new Map(replayed.positions), log, membership };

  const app = await NestFactory.create(BillingServiceModule.forRoot(config, state), {
    logger: logger ?? undefined,
    abortOnError: false,
  });
  try {
    app.enableShutdownHooks();
    const server = new ServerRunnel({
      client: { clientId: config.clientId, brokers },
      consumer: {
        groupId: BILLING_GROUP,
        sessionTimeoutMs,
        heartbeatIntervalMs: 1_000,
        autoCommitIntervalMs: 1_000,
      },
      subscribe: { fromBeginning: true },
      ...(shutdownGraceMs === undefined ? {} : { shutdownGraceMs }),
    });
    followRebalances(server, membership, app.get(InvoicesService), app.get(AuditService));
    app.connectMicroservice({ strategy: server });
    await app.startAllMicroservices();
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://${config.host}:${port}`, port, replayed, close: () => app.close() };
}

/** Routes the transport's rebalance news to the services that keep per-partition state, and logs it. */
function followRebalances(
  server: ServerRunnel,
  membership: GroupMembership,
  invoices: InvoicesService,
  audit: AuditService,
): void {
  const logger = new Logger('Rebalance');
  server.on('group', (event) => {
    if (event.type === 'rebalancing' && event.groupId === BILLING_GROUP) invoices.rebalancing();
    if (event.type !== 'group-join') return;
    const change = membership.join(event, ORDERS_TOPIC);
    logger.log(describeChange(change));
    if (event.groupId === BILLING_GROUP) invoices.partitionsChanged(change);
    if (event.groupId === AUDIT_GROUP) audit.partitionsChanged(change);
  });
}
