import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PayloadValidationException, type RunnelContext } from '@runnel/nestjs';
import { isOrderEvent, ORDERS_TOPIC, type OrderEvent } from '../events.js';
import { InvoicesService } from './invoices.service.js';

/** Topic `orders` in group `billing-service` (the server's default group): an invoice per order, captures, voids. */
@Controller()
export class OrderEventsController {
  constructor(@Inject(InvoicesService) private readonly invoices: InvoicesService) {}

  @EventPattern<string>(ORDERS_TOPIC)
  bill(@Payload() event: unknown, @Ctx() context: RunnelContext): Promise<void> {
    return this.invoices.bill(orderEvent(event), context.getPartition());
  }
}

/** The payload as an OrderEvent; anything else goes straight to the dead-letter topic, not into retries. */
export function orderEvent(value: unknown): OrderEvent {
  if (isOrderEvent(value)) return value;
  throw new PayloadValidationException([
    {
      property: '',
      value,
      constraints: {
        isOrderEvent:
          'an order event has a type OrderCreated, OrderPaid or OrderCancelled, an eventId, an orderId and a seq from 1',
      },
    },
  ]);
}
