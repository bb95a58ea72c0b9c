import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BILLING_TOPIC, isBillingEvent } from '../events.js';
import { OrdersService } from './orders.service.js';

/** Topic `billing`, read in group `order-service` (the server's default group): invoices, captures, voids. */
@Controller()
export class BillingEventsController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  @EventPattern<string>(BILLING_TOPIC)
  onBillingEvent(@Payload() event: unknown): void {
    if (!isBillingEvent(event)) {
      throw new TypeError(`topic '${BILLING_TOPIC}': ${JSON.stringify(event)} is not a billing event`);
    }
    this.orders.applyBillingEvent(event);
  }
}
