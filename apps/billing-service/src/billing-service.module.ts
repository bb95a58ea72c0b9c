import { type DynamicModule, Module } from '@nestjs/common';
import { RunnelModule } from '@runnel/nestjs';
import { AuditController } from './audit/audit.controller.js';
import { AuditService } from './audit/audit.service.js';
import { AuditEventsController } from './audit/audit-events.controller.js';
import {
  BILLING_POSITIONS,
  BILLING_SERVICE_CONFIG,
  BROKER_CLIENT,
  GROUP_MEMBERSHIP,
  INVOICE_LEDGER,
  LOG_READER,
} from './billing-service.tokens.js';
import type { BillingServiceConfig } from './billing-service-config.js';
import type { GroupMembership } from './groups/group-membership.js';
import { HealthController } from './health/health.controller.js';
import type { InvoiceLedger } from './invoices/invoice-ledger.js';
import { InvoicesController } from './invoices/invoices.controller.js';
import { InvoicesService } from './invoices/invoices.service.js';
import { OrderEventsController } from './invoices/order-events.controller.js';
import type { LogReader } from './log/log-reader.js';
import { QuoteController } from './quotes/quote.controller.js';

/** What billing-service's module is built from: the state rebuilt at start and the log behind it. */
export interface BillingServiceState {
  readonly ledger: InvoiceLedger;
  /** Per partition of `billing`, the next offset the startup replay left to read. */
  readonly positions: Map<number, bigint>;
  readonly log: LogReader;
  readonly membership: GroupMembership;
}

/**
 * billing-service's wiring: the one place that knows a broker is behind BROKER_CLIENT (a
 * ClientRunnel in producer-only mode that writes `billing`) and LOG_READER.
 */
@Module({})
export class BillingServiceModule {
  static forRoot(config: BillingServiceConfig, state: BillingServiceState): DynamicModule {
    return {
      module: BillingServiceModule,
      imports: [
        RunnelModule.forRoot({
          name: BROKER_CLIENT,
          client: { clientId: config.clientId, brokers: [...config.bootstrapServers] },
          producerOnlyMode: true,
        }),
      ],
      controllers: [
        OrderEventsController,
        AuditEventsController,
        QuoteController,
        InvoicesController,
        AuditController,
        HealthController,
      ],
      providers: [
        { provide: BILLING_SERVICE_CONFIG, useValue: config },
        { provide: INVOICE_LEDGER, useValue: state.ledger },
        { provide: BILLING_POSITIONS, useValue: state.positions },
        { provide: LOG_READER, useValue: state.log },
        { provide: GROUP_MEMBERSHIP, useValue: state.membership },
        InvoicesService,
        AuditService,
      ],
    };
  }
}
