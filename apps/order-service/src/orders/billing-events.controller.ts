import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PayloadValidationException } from '@runnel/nestjs';
import { BILLING_TOPIC, type BillingEvent, isBillingEvent } from '../events.js';
import { OrdersService } from './orders.service.js';

/** Topic `billing`, read in group `order-service` (the server's default group): invoices, captures, voids. */
@Controller()
export class BillingEventsController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  @EventPattern<string>(BILLING_TOPIC)
  onBillingEvent(@Payload() event: unknown): void {
    this.orders.applyBillingEvent(billingEvent(event));
  }
}

/** The payload as a BillingEvent; anything else goes straight to the dead-letter topic, not into retries. */
function billingEvent(value: unknown): BillingEvent {
  if (isBillingEvent(value)) return value;
  throw new PayloadValidationException([
    {
      property: '',
      value,
      constraints: {
        isBillingEvent:
          'a billing event has a type InvoiceIssued, PaymentCaptured or InvoiceVoided, an eventId, an orderId and a seq from 1',
      },
    },
  ]);
}
