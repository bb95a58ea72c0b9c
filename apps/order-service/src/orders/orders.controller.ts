import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
// biome-ignore lint/style/useImportType: ValidationPipe reads the parameter's class from decorator metadata at runtime
import { OrderParamsDto } from './dto/order-params.dto.js';
// biome-ignore lint/style/useImportType: ValidationPipe reads the parameter's class from decorator metadata at runtime
import { PlaceOrderDto } from './dto/place-order.dto.js';
import type { OrderView } from './order-book.js';
import { OrdersService } from './orders.service.js';

/**
 * `POST /orders` -> 201 `{ id, status, total }` (400 naming each bad field, 503 when billing does
 * not quote); `POST /orders/:id/pay` and `/cancel` -> 200 with the order (404 unknown id, 409 when
 * its status does not allow it); `GET /orders/:id`; `GET /orders`.
 */
@Controller('orders')
export class OrdersController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  @Post()
  async place(
    @Body() { customerId, items }: PlaceOrderDto,
  ): Promise<Pick<OrderView, 'id' | 'status' | 'total'>> {
    const { id, status, total } = await this.orders.place(customerId, items);
    return { id, status, total };
  }

  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param() { id }: OrderParamsDto): Promise<OrderView> {
    return this.orders.pay(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param() { id }: OrderParamsDto): Promise<OrderView> {
    return this.orders.cancel(id);
  }

  @Get(':id')
  get(@Param() { id }: OrderParamsDto): OrderView {
    return this.orders.get(id);
  }

  @Get()
  list(): OrderView[] {
    return this.orders.list();
  }
}
