import { type DynamicModule, Module } from '@nestjs/common';
import { RunnelModule } from '@runnel/nestjs';
import { BILLING_QUOTE_PATTERN } from './events.js';
import { HealthController } from './health/health.controller.js';
import { BROKER_CLIENT, ORDER_BOOK, ORDER_SERVICE_CONFIG } from './order-service.tokens.js';
import type { OrderServiceConfig } from './order-service-config.js';
import { BillingEventsController } from './orders/billing-events.controller.js';
import type { OrderBook } from './orders/order-book.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';

/**
 * order-service's wiring: the one place that knows a broker is behind BROKER_CLIENT (a
 * ClientRunnel that writes `orders` and asks `billing.quote`, its reply topic assigned when it
 * connects). The OrderBook comes in already rebuilt from the log.
 */
@Module({})
export class OrderServiceModule {
  static forRoot(config: OrderServiceConfig, book: OrderBook): DynamicModule {
    return {
      module: OrderServiceModule,
      imports: [
        RunnelModule.forRoot({
          name: BROKER_CLIENT,
          client: { clientId: config.clientId, brokers: [...config.bootstrapServers] },
          replyPatterns: [BILLING_QUOTE_PATTERN],
        }),
      ],
      controllers: [OrdersController, BillingEventsController, HealthController],
      providers: [
        { provide: ORDER_BOOK, useValue: book },
        { provide: ORDER_SERVICE_CONFIG, useValue: config },
        OrdersService,
      ],
    };
  }
}
