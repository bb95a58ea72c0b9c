import { Controller, Get, Inject } from '@nestjs/common';
import { ORDER_SERVICE_GROUP } from '../events.js';
import { OrdersService } from '../orders/orders.service.js';

/** `GET /health`: up, the orders by status, and how many billing events group `order-service` has seen. */
@Controller('health')
export class HealthController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  @Get()
  health() {
    const { orders, billingEventsSeen } = this.orders.stats();
    return {
      status: 'ok',
      service: 'order-service',
      orders,
      groups: { [ORDER_SERVICE_GROUP]: { eventsSeen: billingEventsSeen } },
    };
  }
}
